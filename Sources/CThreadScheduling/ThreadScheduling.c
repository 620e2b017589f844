#include "CThreadScheduling.h"

#if defined(__linux__)
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// glibc 2.36 has no wrapper for sched_setattr; the kernel's structure.
struct strata_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

int strata_request_short_slice(void) {
    struct strata_sched_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.sched_policy = 0; // SCHED_OTHER, at nice 0: only the slice changes.
    attr.sched_runtime = 100 * 1000; // nanoseconds
    return (int)syscall(SYS_sched_setattr, 0, &attr, 0);
}
#else
int strata_request_short_slice(void) {
    return -1;
}
#endif
