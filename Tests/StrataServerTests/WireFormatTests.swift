import CZlib
import NIOCore
import Testing
@testable import StrataServer

/// The small pieces of the wire format: checksums, request ids, bodies.
@Suite struct WireFormatTests {
    @Test(arguments: [("", UInt32(0)), ("123456789", 0xCBF4_3926), ("The quick brown fox jumps over the lazy dog", 0x414F_A339)])
    func crc32MatchesTheStandardCheckValues(text: String, checksum: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == checksum)
    }

    /// The carry-less fold against zlib's byte-wise CRC: every length up to
    /// past the 64-byte lanes and the 16-byte tail handling, long bodies, and
    /// bytes of every value at every position.
    @Test func crc32AgreesWithZlibAtEveryLength() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = Array(0...1100) + [4096, 16_383, 16_384, 65_537]
        for (index, length) in lengths.enumerated() {
            let offset = index % 8
            let bytes = Array(random[offset..<(offset + length)])
            let expected = bytes.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) }
            #expect(CRC32.checksum(bytes) == expected, "length \(length)")
        }
        for byte in [UInt8(0x00), 0xFF] {
            let bytes = [UInt8](repeating: byte, count: 1000)
            #expect(CRC32.checksum(bytes) == bytes.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) })
        }
    }

    /// The head is written straight into the buffer's memory: every header
    /// and number must come out whole, at any length.
    @Test(arguments: [0, 1, 9, 10, 99_999, 1 << 20])
    func anAnswerCarriesItsHeadersAndBody(bodyLength: Int) throws {
        let body = (0..<bodyLength).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
        let response = EncodedResponse(
            status: .ok, contentType: "application/x-amz-json-1.0", body: body, requestID: "REQUEST1", keepAlive: false,
            headers: [("Access-Control-Allow-Origin", "*")], allocator: ByteBufferAllocator())
        let bytes = Array(response.buffer.readableBytesView)
        let end = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("\r\n\r\n".utf8)) })
        // "\r\n" is one Character.
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(lines.first == "HTTP/1.1 200 OK")
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            fields[String(parts[0])] = String(parts[1].drop { $0 == " " })
        }
        #expect(fields["Content-Length"] == String(bodyLength))
        #expect(fields["x-amz-crc32"] == String(CRC32.checksum(body)))
        #expect(fields["x-amzn-RequestId"] == "REQUEST1" && fields["Connection"] == "close")
        #expect(fields["Content-Type"] == "application/x-amz-json-1.0" && fields["Access-Control-Allow-Origin"] == "*")
        #expect(fields["Date"]?.hasSuffix(" GMT") == true && fields["Server"] == "Server")
        #expect(Array(bytes[(end + 4)...]) == body && response.closesConnection)
    }

    @Test func requestIDsAreUniqueUppercaseAlphanumerics() {
        var generator = RequestID.Generator()
        let ids = (0..<1000).map { _ in generator.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count == 52)
            #expect(id.allSatisfy { $0.isUppercase || $0.isNumber })
        }
    }
}

/// `Content-Encoding` bodies: gzip and deflate in, never past the limit.
@Suite struct RequestDecompressionTests {
    /// zlib's own compress2: the `deflate` content coding (a zlib stream).
    private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        #expect(compress2(&out, &length, bytes, uLong(bytes.count), 9) == Z_OK)
        return Array(out.prefix(Int(length)))
    }

    /// `{"TableName":"t"}`, gzipped by Python's gzip module.
    private static let gzipped: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 10, 73, 76, 202, 73, 245, 75, 204, 77, 85, 178, 82, 42, 81, 170, 5, 0,
        124, 114, 54, 215, 17, 0, 0, 0,
    ]

    @Test func gzipAndDeflateBodiesInflate() throws {
        let json = Array(#"{"TableName":"t"}"#.utf8)
        #expect(try RequestDecompression.decode(Self.gzipped, contentEncoding: "gzip", limit: 1000) == json)
        #expect(try RequestDecompression.decode(Self.deflate(json), contentEncoding: "deflate", limit: 1000) == json)
        #expect(try RequestDecompression.decode(json, contentEncoding: nil, limit: 1000) == nil)
        #expect(try RequestDecompression.decode(json, contentEncoding: "identity", limit: 1000) == nil)
    }

    @Test func aBombStopsAtTheLimit() {
        let bomb = Self.deflate([UInt8](repeating: 0, count: 4 * 1024 * 1024))
        #expect(bomb.count < 10_000)
        #expect(throws: RequestDecompression.Failure.tooLarge) {
            try RequestDecompression.decode(bomb, contentEncoding: "deflate", limit: 1024 * 1024)
        }
    }

    @Test(arguments: [("gzip", [UInt8](repeating: 7, count: 20)), ("deflate", [1, 2, 3]), ("br", [1, 2, 3]), ("gzip", [])])
    func garbageAndUnknownEncodingsAreRefused(encoding: String, body: [UInt8]) {
        #expect(throws: RequestDecompression.Failure.self) {
            try RequestDecompression.decode(body, contentEncoding: encoding, limit: 1000)
        }
    }
}
