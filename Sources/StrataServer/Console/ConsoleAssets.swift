/// The web console's files, compiled into the binary: nothing is fetched
/// at run time. The page's Content-Security-Policy lets only these files
/// run or style it, so an item's content can never become script.
enum ConsoleAssets {
    struct Asset {
        let contentType: String
        let body: [UInt8]
    }

    static let headers: [(name: String, value: String)] = [
        ("Content-Security-Policy",
         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-cache"),
    ]

    private static let assets: [String: Asset] = [
        "/console": Asset(contentType: "text/html; charset=utf-8", body: Array(ConsolePage.html.utf8)),
        "/console/": Asset(contentType: "text/html; charset=utf-8", body: Array(ConsolePage.html.utf8)),
        "/console/app.js": Asset(contentType: "text/javascript; charset=utf-8", body: Array(ConsoleScript.source.utf8)),
        "/console/app.css": Asset(contentType: "text/css; charset=utf-8", body: Array(ConsoleStyle.source.utf8)),
    ]

    /// The file a request's target names (its query ignored), or nil.
    static func asset(for uri: String) -> Asset? {
        assets[String(uri.prefix { $0 != "?" && $0 != "#" })]
    }
}
