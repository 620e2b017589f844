// Linux calls Glibc's module map leaves out: the PostgreSQL client's loops
// wait on epoll and wake each other through an eventfd; threads name
// themselves through prctl, and set their scheduling through
// sched_setattr, which Swift cannot call (prctl and syscall are variadic).
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int strata_name_calling_thread(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

// The calling thread under SCHED_OTHER at `niceness`, with slices of
// `slice_nanoseconds` (honoured from Linux 6.12). The layout is
// `struct sched_attr`, version 0, which glibc does not declare.
static inline int strata_set_calling_thread_scheduling(int32_t niceness, uint64_t slice_nanoseconds) {
    struct {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
    } attributes = {0};
    attributes.size = sizeof attributes;
    attributes.policy = 0;  // SCHED_OTHER
    attributes.nice = niceness;
    attributes.runtime = slice_nanoseconds;
    return (int)syscall(SYS_sched_setattr, 0, &attributes, 0);
}
