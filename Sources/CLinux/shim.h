// Linux calls Glibc's module map leaves out: the PostgreSQL client's loops
// wait on epoll and wake each other through an eventfd; threads name
// themselves through prctl, which is variadic and so not callable from Swift.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

static inline int strata_name_calling_thread(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
