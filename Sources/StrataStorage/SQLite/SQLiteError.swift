#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure reported by SQLite, with its extended result code and the
/// error number of the system call that failed, if one did.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var sql: String?
    var systemErrno: Int32 = 0

    var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in \($0)" } ?? "")
    }

    /// SQLite could not open a file because the process (or the system)
    /// has no file descriptor left.
    var isOutOfFileDescriptors: Bool {
        // SQLITE_CANTOPEN, with or without its extended code.
        code & 0xff == 14 && (systemErrno == EMFILE || systemErrno == ENFILE)
    }
}
