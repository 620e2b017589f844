import NIOHTTP1

/// CORS, so that the AWS SDKs work from a browser page: a request with an
/// Origin gets DynamoDB's answer headers, and a preflight (OPTIONS) also
/// gets the methods and headers it asked for and how long to remember them.
enum CrossOrigin {
    /// The answer headers a page's script may read.
    static let exposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
    /// Seconds a browser may keep a preflight's answer: two days.
    static let maxAge = "172800"

    static func headers(for head: RequestHead) -> [(name: String, value: String)] {
        guard head.headers.contains(name: "origin") else { return [] }
        var headers = [(name: "Access-Control-Allow-Origin", value: "*"), (name: "Access-Control-Expose-Headers", value: exposedHeaders)]
        guard head.method == .OPTIONS else { return headers }
        headers.append(("Access-Control-Max-Age", maxAge))
        headers.append(("Access-Control-Allow-Methods", head.headers.first(name: "access-control-request-method") ?? "GET,POST,OPTIONS"))
        if let requested = head.headers.first(name: "access-control-request-headers") {
            headers.append(("Access-Control-Allow-Headers", requested))
        }
        return headers
    }
}
