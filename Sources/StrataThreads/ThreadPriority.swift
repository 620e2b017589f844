#if canImport(Glibc)
import CLinux
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's standing with the OS scheduler. Linux keeps nice
/// values and slices per thread (`who` 0 names the calling thread there);
/// elsewhere they would apply to the whole process, so these do nothing.
public enum ThreadPriority {
    /// The calling thread's nice value (0 where it is not kept per thread).
    public static func currentNiceness() -> Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }

    /// Makes the calling thread give way to the others: raises its nice
    /// value to `niceness` if it is lower, and asks for slices of 0.1 ms
    /// instead of the default (1.4 ms on 2 cores). A thread woken for a
    /// request then takes the core from this one within 0.1 ms (Linux
    /// 6.12 and later; earlier kernels ignore the slice).
    ///
    /// Never lowers the nice value: only a privileged process could, and
    /// the threads should rank the same with privileges or without.
    public static func giveWay(niceness: Int32) {
        #if os(Linux)
        guard niceness > currentNiceness() else { return }
        if strata_set_calling_thread_scheduling(niceness, 100_000) != 0 {
            // A kernel without sched_setattr: the nice value alone.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        }
        #endif
    }
}
