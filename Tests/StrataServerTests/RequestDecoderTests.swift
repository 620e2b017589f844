import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import StrataServer

/// `RequestDecoder` on an embedded channel: requests whole or in any
/// pieces, chunked bodies, the framing and grammar it refuses, and the
/// end of the input.
@Suite struct RequestDecoderTests {
    /// What the decoder passed on, flattened: heads, body bytes (runs of
    /// body pieces joined) and ends.
    enum Event: Equatable {
        case head(RequestHead)
        case body([UInt8])
        case end
    }

    private static func decode(_ pieces: [String], endInput: Bool = false) throws -> [Event] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder()))
        var events: [Event] = []
        func append(_ part: RequestPart) {
            switch part {
            case .head(let head): events.append(.head(head))
            case .body(let body):
                if case .body(let earlier) = events.last {
                    events[events.count - 1] = .body(earlier + Array(body.readableBytesView))
                } else {
                    events.append(.body(Array(body.readableBytesView)))
                }
            case .end: events.append(.end)
            }
        }
        func drain() throws {
            while let message = try channel.readInbound(as: DecodedRequest.self) {
                switch message {
                case .part(let part): append(part)
                case .whole(let head, let body):
                    append(.head(head))
                    if body.readableBytes > 0 { append(.body(body)) }
                    append(.end)
                }
            }
        }
        for piece in pieces {
            try channel.writeInbound(ByteBuffer(string: piece))
            try drain()
        }
        if endInput {
            _ = try channel.finish()
            try drain()
        }
        return events
    }

    private static let getItem = "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n"
        + "Content-Length: 2\r\n\r\n{}"
    private static let chunked = "POST /?a=b HTTP/1.1\r\nhost: localhost\r\nTransfer-Encoding: Chunked\r\n\r\n"
        + "3;name=value\r\n{\"a\r\n4\r\n\":1}\r\n0\r\nX-Trailer: dropped\r\n\r\n"

    @Test func readsAWholeRequest() throws {
        let events = try Self.decode([Self.getItem])
        #expect(events.count == 3)
        guard case .head(let head) = events.first else { Issue.record("no head first: \(events)"); return }
        #expect(head.method == .POST && head.uri == "/" && head.version == .http1_1 && head.isKeepAlive)
        #expect(head.contentLength == 2)
        #expect(head.headers.first(name: "x-amz-target") == "DynamoDB_20120810.GetItem")
        #expect(head.headers.first(name: "host") == "localhost" && head.headers.contains(name: "content-length"))
        #expect(head.headers.all.map(\.name) == ["Host", "X-Amz-Target", "Content-Length"])
        #expect(Array(events.dropFirst()) == [.body(Array("{}".utf8)), .end])
    }

    @Test func readsAChunkedBodyWithItsExtensionsAndTrailers() throws {
        let events = try Self.decode([Self.chunked])
        guard case .head(let head) = events.first else { Issue.record("no head first: \(events)"); return }
        #expect(head.uri == "/?a=b" && head.contentLength == nil)
        #expect(Array(events.dropFirst()) == [.body(Array(#"{"a":1}"#.utf8)), .end])
    }

    /// Three pipelined requests split at every byte read the same as in one piece.
    @Test func readsTheSameWhereverTheBytesAreSplit() throws {
        let stream = Self.getItem + Self.chunked + "GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        let whole = try Self.decode([stream])
        #expect(whole.filter { $0 == .end }.count == 3)
        // Split by bytes, not characters: "\r\n" is one Character.
        let bytes = Array(stream.utf8)
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        for split in 1..<bytes.count {
            #expect(try Self.decode([text(bytes[..<split]), text(bytes[split...])]) == whole, "split at \(split)")
        }
        let byteByByte = try Self.decode(bytes.map { text([$0]) })
        #expect(byteByByte == whole)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", true), ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n", false), ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
    ])
    func keepsTheConnectionAsTheVersionAndHeaderSay(request: String, keepAlive: Bool) throws {
        guard case .head(let head) = try Self.decode([request]).first else { Issue.record("no head"); return }
        #expect(head.isKeepAlive == keepAlive)
    }

    @Test func trimsValuesAndFindsNamesInAnyCase() throws {
        guard case .head(let head) = try Self.decode(["GET / HTTP/1.1\r\nX-Amz-Target:  \tv a l \t \r\n\r\n"]).first else {
            Issue.record("no head")
            return
        }
        #expect(head.headers.first(name: "x-amz-target") == "v a l")
        #expect(head.headers.first(name: "x-amz-targe") == nil)
    }

    static let malformed: [(String, String)] = [
        ("unknown method", "BREW / HTTP/1.1\r\n\r\n"),
        ("lowercase method", "get / HTTP/1.1\r\n\r\n"),
        ("no target", "GET  HTTP/1.1\r\n\r\n"),
        ("no version", "GET /\r\nHost: x\r\n\r\n"),
        ("version 2.0", "GET / HTTP/2.0\r\n\r\n"),
        ("lowercase protocol", "GET / http/1.1\r\n\r\n"),
        ("bare LF in the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n"),
        ("control character in the target", "GET /a\u{01}b HTTP/1.1\r\n\r\n"),
        ("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
        ("no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        ("empty name", "GET / HTTP/1.1\r\n: x\r\n\r\n"),
        ("folded line", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n"),
        ("NUL in a value", "GET / HTTP/1.1\r\nX-A: a\u{00}b\r\n\r\n"),
        ("DEL in a value", "GET / HTTP/1.1\r\nX-A: a\u{7F}b\r\n\r\n"),
        ("CR alone in a value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"),
        ("two lengths", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"),
        ("length list", "POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n{}"),
        ("negative length", "POST / HTTP/1.1\r\nContent-Length: -2\r\n\r\n{}"),
        ("length and chunked", "POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
        ("other transfer coding", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
        ("chunk size not hex", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        ("chunk longer than its size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n"),
        ("chunk size past 15 digits", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n"),
        ("bad trailer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A : b\r\n\r\n"),
        ("garbage, refused before any line end", "\u{00}\u{00}\u{00}"),
        ("method too long to be one", "GETTTTTTTT"),
    ]

    @Test(arguments: malformed)
    func refusesWhatRFC9112DoesNotWrite(name: String, request: String) {
        #expect(throws: RequestDecodingError.malformed, "\(name)") { try Self.decode([request]) }
    }

    @Test func refusesAHeadThatNeverEnds() throws {
        #expect(throws: RequestDecodingError.malformed) {
            try Self.decode(["GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: RequestDecoder.maximumHeadBytes)])
        }
    }

    @Test func theInputMayEndOnlyBetweenRequests() throws {
        #expect(try Self.decode([Self.getItem], endInput: true).last == .end)
        let bytes = Array(Self.getItem.utf8)
        for cut in [10, bytes.count - 3, bytes.count - 1] {
            let piece = String(decoding: bytes.prefix(cut), as: UTF8.self)
            #expect(throws: RequestDecodingError.truncated, "cut at \(cut)") { try Self.decode([piece], endInput: true) }
        }
    }
}
