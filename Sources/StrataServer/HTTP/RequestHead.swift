import NIOHTTP1

/// A request's line and headers, as `RequestDecoder` read them, with the
/// framing its headers declare.
struct RequestHead: Equatable {
    let method: HTTPMethod
    let uri: String
    let version: HTTPVersion
    let headers: RequestHeaders
    /// The body's declared length; nil for a chunked body.
    let contentLength: Int?
    /// The connection stays open after the answer (HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`).
    let isKeepAlive: Bool

    /// Framing is RFC 9112's, strictly: a body is either of one
    /// `Content-Length` (digits only) or `Transfer-Encoding: chunked`,
    /// never both; anything else could be read two ways (request smuggling).
    init(method: HTTPMethod, uri: String, version: HTTPVersion, headers: RequestHeaders) throws(RequestDecodingError) {
        self.method = method
        self.uri = uri
        self.version = version
        self.headers = headers
        var length: Int?
        var chunked = false
        var close = false
        var keepAlive = false
        for field in headers.fields {
            if headers.name(of: field, is: "content-length") {
                guard length == nil, let value = headers.decimal(of: field) else { throw .malformed }
                length = value
            } else if headers.name(of: field, is: "transfer-encoding") {
                guard !chunked, headers.value(of: field, is: "chunked") else { throw .malformed }
                chunked = true
            } else if headers.name(of: field, is: "connection") {
                close = close || headers.value(of: field, hasToken: "close")
                keepAlive = keepAlive || headers.value(of: field, hasToken: "keep-alive")
            }
        }
        if chunked, length != nil { throw .malformed }
        contentLength = chunked ? nil : length ?? 0
        isKeepAlive = version.minor >= 1 ? !close : keepAlive && !close
    }
}

/// The header block of a request as its bytes, with where each name and
/// value lies. A request's handling looks up a few headers by name; a
/// String for every name and value (NIO's `HTTPHeaders`) cost more than
/// everything else the event loop did with the head.
struct RequestHeaders: Equatable {
    struct Field: Equatable {
        let name: Range<Int>
        let value: Range<Int>
    }

    private let bytes: [UInt8]
    let fields: [Field]

    /// `fields` lie in `bytes`; their names and values are valid (the
    /// decoder's checks), values without surrounding whitespace.
    init(bytes: [UInt8], fields: [Field]) {
        self.bytes = bytes
        self.fields = fields
    }

    /// Headers from names and values, as a test or a tool writes them.
    init(_ pairs: [(String, String)]) {
        var bytes: [UInt8] = []
        var fields: [Field] = []
        for (name, value) in pairs {
            let nameStart = bytes.count
            bytes += name.utf8
            let valueStart = bytes.count
            bytes += value.utf8
            fields.append(Field(name: nameStart..<valueStart, value: valueStart..<bytes.count))
        }
        self.init(bytes: bytes, fields: fields)
    }

    /// The value of the first header of this name (any case), if any.
    func first(name: StaticString) -> String? {
        fields.first { self.name(of: $0, is: name) }.map { String(decoding: bytes[$0.value], as: UTF8.self) }
    }

    func contains(name: StaticString) -> Bool {
        fields.contains { self.name(of: $0, is: name) }
    }

    /// Every header, in order: for the signature check.
    var all: [(name: String, value: String)] {
        fields.map { (String(decoding: bytes[$0.name], as: UTF8.self), String(decoding: bytes[$0.value], as: UTF8.self)) }
    }

    /// Names and values, with 4 bytes each for the separator and line end:
    /// what the header limit counts.
    var byteCount: Int {
        fields.reduce(0) { $0 + $1.name.count + $1.value.count + 4 }
    }

    /// Whether the field's name is `name`, which is lowercase ASCII.
    func name(of field: Field, is name: StaticString) -> Bool {
        equalIgnoringCase(field.name, name)
    }

    /// Whether the field's whole value is `value` (lowercase ASCII), in any case.
    func value(of field: Field, is value: StaticString) -> Bool {
        equalIgnoringCase(field.value, value)
    }

    /// Whether the field's comma-separated value lists `token` (lowercase ASCII), in any case.
    func value(of field: Field, hasToken token: StaticString) -> Bool {
        var start = field.value.lowerBound
        for end in field.value.lowerBound...field.value.upperBound where end == field.value.upperBound || bytes[end] == UInt8(ascii: ",") {
            var range = start..<end
            while !range.isEmpty, HeadReader.isSpace(bytes[range.lowerBound]) { range = range.dropFirst() }
            while !range.isEmpty, HeadReader.isSpace(bytes[range.upperBound - 1]) { range = range.dropLast() }
            if equalIgnoringCase(range, token) { return true }
            start = end + 1
        }
        return false
    }

    /// The field's value as a decimal number: digits only, at most 18 of them.
    func decimal(of field: Field) -> Int? {
        guard !field.value.isEmpty, field.value.count <= 18 else { return nil }
        var result = 0
        for index in field.value {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            result = result * 10 + Int(digit)
        }
        return result
    }

    private func equalIgnoringCase(_ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        return bytes.withUnsafeBufferPointer { bytes in
            for offset in 0..<range.count {
                let byte = bytes[range.lowerBound + offset]
                let folded = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                guard folded == expected[offset] else { return false }
            }
            return true
        }
    }
}
