#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// The lines of a file, gzip-compressed (one member or several) or not, a
/// chunk at a time: an import never holds a whole file.
package final class LineReader {
    package struct Failure: Error, CustomStringConvertible {
        let path: String
        let reason: String
        package var description: String { "\(path): \(reason)" }
    }

    let path: String
    private let file: UnsafeMutablePointer<FILE>
    /// zlib keeps the stream's address: it lives on the heap, never moved.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var input = [UInt8](repeating: 0, count: 256 * 1024)
    private var inputStart = 0
    private var inputEnd = 0
    private var text: [UInt8] = []
    private var textStart = 0
    private var atEnd = false
    /// The longest line read: far above DynamoDB's 400 KB item, and a
    /// bound on what a file without line ends can make the reader hold.
    package static let maximumLine = 16 << 20
    /// Bytes of the file read so far.
    package private(set) var bytesRead = 0

    /// `gzip` nil: decide from the file's first two bytes.
    package init(path: String, gzip: Bool?) throws(Failure) {
        self.path = path
        guard let file = fopen(path, "rb") else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        self.file = file
        try fill()
        let compressed = gzip ?? (inputEnd >= 2 && input[0] == 0x1F && input[1] == 0x8B)
        if compressed {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw Failure(path: path, reason: "zlib would not start")
            }
            self.stream = stream
        }
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        fclose(file)
    }

    /// The next line, without its line end; nil at the end of the file.
    package func next() throws(Failure) -> ArraySlice<UInt8>? {
        while true {
            if let newline = text[textStart...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = text[textStart..<newline]
                textStart = newline + 1
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                return line
            }
            if atEnd {
                guard textStart < text.count else { return nil }
                defer { textStart = text.count }
                return text[textStart...]
            }
            text.removeFirst(textStart)
            textStart = 0
            if text.count > Self.maximumLine { throw Failure(path: path, reason: "a line is longer than \(Self.maximumLine >> 20) MB") }
            try produce()
        }
    }

    /// Adds at least some text, or reaches the end.
    private func produce() throws(Failure) {
        if inputStart == inputEnd {
            try fill()
            if inputEnd == 0 {
                atEnd = true
                return
            }
        }
        guard let stream else {
            text.append(contentsOf: input[inputStart..<inputEnd])
            inputStart = inputEnd
            return
        }
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        let (status, consumed, produced) = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { out -> (Int32, Int, Int) in
                stream.pointee.next_in = inputBuffer.baseAddress! + inputStart
                stream.pointee.avail_in = UInt32(inputEnd - inputStart)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                let status = inflate(stream, Z_NO_FLUSH)
                return (status, inputEnd - inputStart - Int(stream.pointee.avail_in), out.count - Int(stream.pointee.avail_out))
            }
        }
        inputStart += consumed
        text.append(contentsOf: output[0..<produced])
        switch status {
        case Z_STREAM_END:
            // Another gzip member may follow.
            guard inflateReset(stream) == Z_OK else { throw Failure(path: path, reason: "zlib failed") }
        case Z_OK, Z_BUF_ERROR:
            break
        default:
            throw Failure(path: path, reason: "not valid gzip data")
        }
    }

    private func fill() throws(Failure) {
        let count = input.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, file) }
        if count == 0, ferror(file) != 0 { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        inputStart = 0
        inputEnd = count
        bytesRead += count
    }
}
