// Linux calls Glibc's module map leaves out: the PostgreSQL client's loops
// wait on epoll and wake each other through an eventfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>
