import CZlib
import NIOHTTP1
import Testing
@testable import StrataServer

/// Which encoding an answer goes out in, as DynamoDB reads Accept-Encoding,
/// and that what goes out inflates back to the answer.
@Suite struct ResponseCompressionTests {
    @Test(arguments: [
        // Nothing this server speaks, or nothing acceptable.
        ("identity", nil), ("", nil), ("br", nil), ("zstd", nil), ("x-gzip", nil), ("\"gzip\"", nil), ("gzip br", nil),
        ("gzip:q=1", nil), ("gzip ;q=0", nil), ("*;q=0", nil), ("br;q=0.8,identity;q=0.5,*;q=0", nil),
        // The first named among equals; case and spaces do not matter.
        ("gzip, deflate", "gzip"), ("br, identity, deflate, gzip", "deflate"), ("GZIP, identity", "gzip"),
        ("dog, gzip ,, cat", "gzip"), ("\tdeflate\t;q=0.5 ,gzip;q= 0.2\t", "deflate"),
        // Qualities: the highest wins; past 1 is 1; below 0 is 0; not a number is 1; the first q= counts.
        ("gzip;q=0.8, deflate;q=0.5", "gzip"), ("deflate;q=0.5, gzip;q=0.2", "deflate"), ("deflate;q=0.5, gzip;q=31", "gzip"),
        ("deflate;q=-0.5,gzip;q=0.2", "gzip"), ("deflate;q=0.5,gzip;q=0.x", "gzip"), ("deflate;q=0.5, gzip;q=1;q=0.2", "gzip"),
        ("gzip; q=0;q=1", nil), ("gzip;q =0;q=1", "gzip"), ("gzip;nq=0;q=1", nil), ("gzip;q=0, gzip;q=1", "gzip"),
        ("br,identity;q=0.5,gzip;q=0.0001", "gzip"),
        // The wildcard: gzip first, and a coding named beats it at equal quality.
        ("*", "gzip"), ("*, deflate", "deflate"), ("*, deflate;q=0.5", "gzip"), ("*, gzip;q=0.5", "deflate"), ("*;q=0.5,identity", "gzip"),
    ] as [(String, String?)])
    func theEncodingDynamoDBWouldChoose(header: String, expected: String?) {
        #expect(ResponseCompression.choose(acceptEncoding: header)?.rawValue == expected, "\(header)")
    }

    /// Spaces and tabs go from both ends, and only they: a value that ends
    /// in a multi-byte character keeps it whole.
    @Test(arguments: [
        ("gzip", "gzip"), (" \tgzip\t ", "gzip"), ("  ", ""), ("", ""), ("\t", ""), ("a b", "a b"),
        (" é ", "é"), ("\tq=0.5 ñ", "q=0.5 ñ"), ("👍🏽 ", "👍🏽"), ("\u{00A0}gzip", "\u{00A0}gzip"),
    ] as [(String, String)])
    func optionalWhitespaceIsTrimmed(value: String, expected: String) {
        #expect(value[...].trimmingOptionalWhitespace == expected[...])
    }

    @Test(arguments: [ResponseCompression.Encoding.gzip, .deflate])
    func compressedAnswersInflateBack(encoding: ResponseCompression.Encoding) throws {
        let body = Array(String(repeating: #"{"Item":{"x":{"S":"xxxxxxxx"}}}"#, count: 400).utf8)
        let compressed = try #require(ResponseCompression.compress(body, as: encoding))
        #expect(compressed.count * 20 < body.count)
        #expect(try RequestDecompression.decode(compressed, contentEncoding: encoding.rawValue, limit: 1 << 20) == body)
    }

    @Test func crossOriginHeadersFollowTheRequest() throws {
        func head(_ method: HTTPMethod, _ headers: [(String, String)]) throws -> RequestHead {
            try RequestHead(method: method, uri: "/", version: .http1_1, headers: RequestHeaders(headers))
        }
        #expect(CrossOrigin.headers(for: try head(.POST, [])).isEmpty)
        let origin = ("Origin", "http://example.com")
        #expect(CrossOrigin.headers(for: try head(.POST, [origin])).map(\.name) == ["Access-Control-Allow-Origin", "Access-Control-Expose-Headers"])
        let preflightHead = try head(.OPTIONS, [
            origin, ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-amz-target, content-type"),
        ])
        let preflight = Dictionary(uniqueKeysWithValues: CrossOrigin.headers(for: preflightHead).map { ($0.name, $0.value) })
        #expect(preflight["Access-Control-Allow-Methods"] == "POST")
        #expect(preflight["Access-Control-Allow-Headers"] == "x-amz-target, content-type")
        #expect(preflight["Access-Control-Max-Age"] == CrossOrigin.maxAge)
    }
}
