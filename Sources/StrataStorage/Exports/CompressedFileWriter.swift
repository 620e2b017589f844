#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// Writes a file a piece at a time, gzip-compressed or as it is, and
/// keeps the MD5 of what reached the disk, for a manifest.
final class CompressedFileWriter {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }

    let path: String
    private let file: UnsafeMutablePointer<FILE>
    /// zlib keeps the stream's address: it lives on the heap, never moved.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var pending: [UInt8] = []
    private var hasher = MD5.Hasher()
    private(set) var bytesWritten = 0

    /// Bytes gathered before they are compressed and written.
    private static let chunk = 256 * 1024

    init(path: String, gzip: Bool) throws(Failure) {
        self.path = path
        guard let file = fopen(path, "wb") else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        self.file = file
        if gzip {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                fclose(file)
                throw Failure(path: path, reason: "zlib would not start")
            }
            self.stream = stream
        }
    }

    deinit {
        if let stream {
            deflateEnd(stream)
            stream.deallocate()
        }
        fclose(file)
    }

    func write(_ bytes: some Collection<UInt8>) throws(Failure) {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.chunk { try flush(finishing: false) }
    }

    /// Writes what is left and closes the file; returns the MD5 of its bytes.
    func finish() throws(Failure) -> [UInt8] {
        try flush(finishing: true)
        guard fflush(file) == 0, fsync(fileno(file)) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        return hasher.finish()
    }

    private func flush(finishing: Bool) throws(Failure) {
        defer { pending.removeAll(keepingCapacity: true) }
        guard let stream else { return try put(pending[...]) }
        var output = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        try pending.withUnsafeMutableBufferPointer { input throws(Failure) in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            repeat {
                let produced = output.withUnsafeMutableBufferPointer { out -> Int in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    status = deflate(stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                    return out.count - Int(stream.pointee.avail_out)
                }
                try put(output[0..<produced])
            } while stream.pointee.avail_out == 0 || (finishing && status == Z_OK)
        }
        if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
            throw Failure(path: path, reason: "zlib failed (\(status))")
        }
    }

    private func put(_ bytes: ArraySlice<UInt8>) throws(Failure) {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        hasher.update(bytes)
        bytesWritten += bytes.count
    }
}
