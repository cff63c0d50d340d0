import Foundation
import HTTPTransport
import Synchronization

/// An in-memory `HTTPClient` for unit tests of the REST layer: a handler answers each request
/// and every request is recorded for assertions.
final class FakeHTTPClient: HTTPClient {
    /// What the handler returns: a buffered response, or lines for a streaming one.
    enum Reply: Sendable {
        case response(HTTPResponse)
        case stream(status: Int, headers: HTTPHeaders, lines: [String], thenFail: HTTPTransportError?)
        case failure(HTTPTransportError)
    }

    private let handler: @Sendable (HTTPRequest, Int) -> Reply
    private let recorded = Mutex<[HTTPRequest]>([])

    /// `handler` gets the request and its 0-based index among all requests.
    init(handler: @escaping @Sendable (HTTPRequest, Int) -> Reply) {
        self.handler = handler
    }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    private func record(_ request: HTTPRequest) -> Int {
        recorded.withLock { list in
            list.append(request)
            return list.count - 1
        }
    }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        switch handler(request, record(request)) {
        case .response(let response): return response
        case .stream(let status, let headers, let lines, _):
            return HTTPResponse(status: status, headers: headers, body: Data(lines.joined(separator: "\n").utf8))
        case .failure(let error): throw error
        }
    }

    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        switch handler(request, record(request)) {
        case .response(let response):
            let body = response.body
            return HTTPStreamingResponse(
                status: response.status, headers: response.headers,
                lines: AsyncThrowingStream { continuation in
                    if !body.isEmpty { continuation.yield(body) }
                    continuation.finish()
                })
        case .stream(let status, let headers, let lines, let failure):
            return HTTPStreamingResponse(
                status: status, headers: headers,
                lines: AsyncThrowingStream { continuation in
                    for line in lines { continuation.yield(Data(line.utf8)) }
                    continuation.finish(throwing: failure)
                })
        case .failure(let error): throw error
        }
    }
}

extension HTTPResponse {
    static func json(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }
}
