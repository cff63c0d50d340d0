import Foundation

/// The parts of an HTTP request that SigV4 signs, with the path and query exactly as they go on the wire.
/// Exists so the signer can be fed either a `URL` or a raw request line (as the AWS test suite does).
public struct SigV4Request: Sendable {
    /// HTTP method, e.g. `POST`.
    public var method: String
    /// The path of the request target as sent (already percent-encoded where the client encodes it).
    /// SigV4 for non-S3 services normalizes it and URI-encodes it once more.
    public var path: String
    /// The query string as sent, without the leading `?` (empty when there is none).
    public var query: String
    /// Request headers in order; repeated names are allowed. Must contain `Host`.
    public var headers: [(String, String)]
    public var body: Data

    public init(method: String, path: String, query: String = "", headers: [(String, String)], body: Data = Data()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Builds the request from a URL; a `Host` header is derived from the URL when `headers` has none.
    public init(method: String, url: URL, headers: [(String, String)], body: Data = Data()) {
        var headers = headers
        if !headers.contains(where: { $0.0.lowercased() == "host" }), let host = Self.hostHeader(for: url) {
            headers.insert(("Host", host), at: 0)
        }
        let path = url.path(percentEncoded: true)
        self.init(
            method: method,
            path: path.isEmpty ? "/" : path,
            query: url.query(percentEncoded: true) ?? "",
            headers: headers,
            body: body
        )
    }

    /// `host[:port]` as an HTTP client sends it: the port only when it is not the scheme's default.
    static func hostHeader(for url: URL) -> String? {
        guard var host = url.host(percentEncoded: true)?.lowercased(), !host.isEmpty else { return nil }
        if host.utf8.contains(UInt8(ascii: ":")) && !host.hasPrefix("[") { host = "[\(host)]" }
        guard let port = url.port else { return host }
        switch (url.scheme?.lowercased(), port) {
        case ("http", 80), ("https", 443): return host
        default: return "\(host):\(port)"
        }
    }
}
