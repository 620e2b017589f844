import COpenSSL
import Glibc

/// The channel between libssl and the socket. libssl's own socket BIO (what
/// SSL_set_fd installs) writes with write(2), which raises SIGPIPE when the
/// database has closed the connection, and SIGPIPE ends the process unless
/// something else made it ignore the signal. This one sends with
/// MSG_NOSIGNAL; otherwise it does what the socket BIO does for a
/// non-blocking socket: EAGAIN asks libssl to retry.
enum NoSignalSocketBIO {
    /// A BIO over `fd`, which it neither owns nor closes; nil if OpenSSL
    /// could not make it.
    static func make(fd: Int32) -> OpaquePointer? {
        guard let method, let bio = BIO_new(method) else { return nil }
        // The BIO keeps the fd in its data pointer, offset by one so that
        // fd 0 is not a null pointer.
        BIO_set_data(bio, UnsafeMutableRawPointer(bitPattern: Int(fd) + 1))
        BIO_set_init(bio, 1)
        return bio
    }

    private static func fd(of bio: OpaquePointer?) -> Int32 {
        Int32(truncatingIfNeeded: Int(bitPattern: BIO_get_data(bio)) - 1)
    }

    /// Created once: OpenSSL does not copy it into the BIOs made from it.
    private nonisolated(unsafe) static let method: OpaquePointer? = {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR
        guard let method = BIO_meth_new(type, "socket without SIGPIPE") else { return nil }
        BIO_meth_set_write(method) { bio, data, length in
            NoSignalSocketBIO.transfer(bio, retryFlag: BIO_FLAGS_WRITE) { fd in
                send(fd, data, Int(length), Int32(MSG_NOSIGNAL))
            }
        }
        BIO_meth_set_read(method) { bio, data, length in
            NoSignalSocketBIO.transfer(bio, retryFlag: BIO_FLAGS_READ) { fd in
                recv(fd, data, Int(length), 0)
            }
        }
        // libssl asks to flush after each record it writes; nothing is
        // buffered here. Every other control is unsupported (0).
        BIO_meth_set_ctrl(method) { _, command, _, _ in command == BIO_CTRL_FLUSH ? 1 : 0 }
        return method
    }()

    /// Runs one send or recv, retrying on EINTR; on EAGAIN tells libssl to
    /// wait and call again (retry flags), as SSL_ERROR_WANT_READ/WRITE.
    private static func transfer(_ bio: OpaquePointer?, retryFlag: Int32, _ call: (Int32) -> Int) -> Int32 {
        BIO_clear_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY)
        let fd = fd(of: bio)
        while true {
            let result = call(fd)
            if result >= 0 { return Int32(result) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                BIO_set_flags(bio, retryFlag | BIO_FLAGS_SHOULD_RETRY)
            }
            return -1
        }
    }
}
