#ifndef C_THREAD_SCHEDULING_H
#define C_THREAD_SCHEDULING_H

/// Asks Linux's EEVDF scheduler (6.12 and later) for the shortest time slice
/// it grants (0.1 ms) for the calling thread: a thread that wakes up to answer a request then runs
/// before threads that compute in long stretches. Needs no privilege; a
/// kernel without custom slices ignores the request or refuses it (-1),
/// and nothing changes. Elsewhere it does nothing and returns -1.
int strata_request_short_slice(void);

#endif
