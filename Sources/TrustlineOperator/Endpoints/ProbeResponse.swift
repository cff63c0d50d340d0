/// One answer of the probe and metrics endpoints: status, content type and body. Every answer
/// closes its connection, so it serializes with `Content-Length` and `Connection: close`.
struct ProbeResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    /// Extra header fields, e.g. `Allow` on a 405.
    var headers: [(name: String, value: String)] = []

    init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = Array(body.utf8)
        self.headers = headers
    }

    /// The bytes on the wire; `includeBody` is false for HEAD (same headers, no body).
    func serialized(includeBody: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if includeBody { bytes += body }
        return bytes
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}

/// The paths one endpoint serves, each a plain closure producing the current answer; routes a
/// parsed request: 404 for other paths, 405 (with `Allow`) for methods other than GET and HEAD.
struct ProbeRoutes: Sendable {
    var handlers: [String: @Sendable () -> ProbeResponse]

    init(_ handlers: [String: @Sendable () -> ProbeResponse]) {
        self.handlers = handlers
    }

    /// The answer to `head`; the query string plays no part in routing.
    func response(to head: HTTPRequestHead) -> ProbeResponse {
        guard let handler = handlers[head.path] else {
            return ProbeResponse(status: 404, body: "not found: \(head.path)\n")
        }
        guard head.method == "GET" || head.method == "HEAD" else {
            return ProbeResponse(status: 405, body: "method \(head.method) not allowed; use GET or HEAD\n", headers: [("Allow", "GET, HEAD")])
        }
        return handler()
    }
}
