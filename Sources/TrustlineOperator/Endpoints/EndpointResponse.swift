/// One answer of the HTTP endpoints (probes, metrics, the webhook): status, content type and body. Every answer
/// closes its connection, so it serializes with `Content-Length` and `Connection: close`.
struct EndpointResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    /// Extra header fields, e.g. `Allow` on a 405.
    var headers: [(name: String, value: String)] = []

    init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String, headers: [(name: String, value: String)] = []) {
        self.init(status: status, contentType: contentType, bytes: Array(body.utf8), headers: headers)
    }

    init(status: Int, contentType: String, bytes: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = bytes
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
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}
