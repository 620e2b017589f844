#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system calls the engine makes outside SQLite, on the C
/// library: Foundation's FileManager would cost the server its pages for
/// four functions.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32

        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }

        /// The process, or the system, has no file descriptor left.
        var isOutOfFileDescriptors: Bool { code == EMFILE || code == ENFILE }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The bytes an unprivileged process may still write to the file
    /// system that holds `path`; nil if it cannot be asked.
    static func availableBytes(_ path: String) -> Int? {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return nil }
        return Int(status.f_bavail) * Int(status.f_frsize)
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Takes an exclusive lock on the file at `path` (created if missing),
    /// held while the returned descriptor stays open; nil if another open
    /// file holds it.
    static func lockExclusively(_ path: String) throws(Failure) -> Int32? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw Failure(operation: "flock", path: path, code: code)
        }
        return descriptor
    }

    /// Closes a descriptor `lockExclusively` returned, which releases the lock.
    static func closeDescriptor(_ descriptor: Int32) {
        close(descriptor)
    }

    /// The size in bytes of the file at `path`, or nil if nothing is there.
    static func size(of path: String) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// The permission bits of what is at `path`, or nil if nothing is there.
    static func permissions(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    /// Creates an empty file at `path` with `mode` unless one is there
    /// already; an existing file keeps its contents and its mode.
    static func createFile(_ path: String, mode: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        close(descriptor)
    }

    /// Creates `path` and any missing parents; new directories get `mode`.
    static func createDirectories(_ path: String, mode: mode_t = 0o700) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw Failure(operation: "mkdir", path: prefix, code: errno)
            }
            prefix += "/"
        }
        guard isDirectory(path) else { throw Failure(operation: "mkdir", path: path, code: ENOTDIR) }
    }

    /// The names in a directory, without `.` and `..`.
    static func contents(of path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure(operation: "opendir", path: path, code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(cString: bytes.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file or a whole directory tree; what is already gone is fine.
    static func remove(_ path: String) throws(Failure) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw Failure(operation: "lstat", path: path, code: errno)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            for name in try contents(of: path) { try remove(path + "/" + name) }
            if rmdir(path) != 0 && errno != ENOENT { throw Failure(operation: "rmdir", path: path, code: errno) }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw Failure(operation: "unlink", path: path, code: errno)
        }
    }

    /// Replaces the file at `path` with `bytes`, whole: written beside it,
    /// synced, then renamed over it.
    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: temporary, code: errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                let code = errno
                close(descriptor)
                throw Failure(operation: "write", path: temporary, code: code)
            }
            offset += written
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced else { throw Failure(operation: "fsync", path: temporary, code: errno) }
        guard rename(temporary, path) == 0 else { throw Failure(operation: "rename", path: path, code: errno) }
    }

    /// The whole file at `path`.
    static func readFile(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw Failure(operation: "read", path: path, code: errno) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Every regular file under `path`, recursively, as paths relative to it, sorted.
    static func files(under path: String) throws(Failure) -> [String] {
        var found: [String] = []
        for name in try contents(of: path).sorted() {
            let full = path + "/" + name
            if isDirectory(full) {
                found += try files(under: full).map { name + "/" + $0 }
            } else {
                found.append(name)
            }
        }
        return found
    }
}
