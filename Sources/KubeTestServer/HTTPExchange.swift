import Foundation
import Hummingbird

/// The parts of an HTTP request the API handlers read, decoded once: method, path, query
/// (percent- and plus-decoded as Go's url.Values encodes it), headers and the body.
struct HTTPExchange: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var accept: String
    var contentType: String
    var authorization: String
    /// `Impersonate-User` and every `Impersonate-Group` header (kubectl `--as`, `--as-group`).
    var impersonateUser: String
    var impersonateGroups: [String]
    var host: String
    var body: Data

    init(request: Request) async throws {
        var request = request
        method = request.method.rawValue
        path = request.uri.path
        query = Self.parseQuery(request.uri.query ?? "")
        accept = request.headers[.accept] ?? ""
        contentType = request.headers[.contentType] ?? ""
        authorization = request.headers[.authorization] ?? ""
        impersonateUser = request.headers.first { $0.name.canonicalName == "impersonate-user" }?.value ?? ""
        impersonateGroups = request.headers.filter { $0.name.canonicalName == "impersonate-group" }.map(\.value)
        host = request.head.authority ?? ""
        let buffer = try await request.collectBody(upTo: 16 << 20)
        body = Data(buffer.readableBytesView)
    }

    static func parseQuery(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            result[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    var wantsTable: Bool { accept.contains("as=Table") }
    /// `fieldValidation=Strict`: unknown fields are a 400 instead of being dropped.
    var strictFields: Bool { query["fieldValidation"] == "Strict" }
    var isDryRun: Bool { query["dryRun"].map { !$0.isEmpty } ?? false }
    var mediaType: String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    func flag(_ name: String) -> Bool {
        guard let value = query[name] else { return false }
        return value == "true" || value == "1" || value.isEmpty
    }
}

/// Building responses.
enum Reply {
    static func json(_ value: JSONValue, status: Int = 200, contentType: String = "application/json") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func error(_ error: APIError) -> Response {
        var response = json(error.statusBody, status: error.code)
        if let retryAfter = error.retryAfterSeconds {
            response.headers[.retryAfter] = String(retryAfter)
        }
        return response
    }

    static func raw(_ data: Data, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
