import Foundation
import HTTPTransport
import Synchronization

/// Passes requests to a real client and remembers each request's Query `Action`, so tests can
/// count the requests a call made (pages, retries) while still talking to the real peer.
final class RecordingHTTPClient: HTTPClient {
    let wrapped: any HTTPClient
    private let actions = Mutex<[String]>([])

    init(wrapping wrapped: any HTTPClient) {
        self.wrapped = wrapped
    }

    /// The `Action` of every request sent so far, in order.
    var recordedActions: [String] { actions.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let body = String(decoding: request.body, as: UTF8.self)
        let action = body.split(separator: "&")
            .first { $0.hasPrefix("Action=") }
            .map { String($0.dropFirst("Action=".count)) } ?? ""
        actions.withLock { $0.append(action) }
        return try await wrapped.send(request)
    }

    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        try await wrapped.stream(request)
    }
}
