import Foundation
import HTTPTransport
import Synchronization

/// An `HTTPClient` that answers from a script instead of the network and remembers every
/// request, so tests can drive the AWS and Kubernetes clients (and the metering wrapper around
/// them) through exact responses, error documents and transport failures.
final class ScriptedHTTPClient: HTTPClient {
    typealias Script = @Sendable (HTTPRequest) throws(HTTPTransportError) -> HTTPResponse

    private let script: Script
    private let recorded = Mutex<[HTTPRequest]>([])

    init(_ script: @escaping Script) {
        self.script = script
    }

    /// Every request sent so far, in order.
    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    /// The Query API `Action` of every request sent so far, in order.
    var actions: [String] { requests.map { Self.formValue("Action", in: $0.body) ?? "" } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return try script(request)
    }

    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        recorded.withLock { $0.append(request) }
        throw .invalidRequest("ScriptedHTTPClient does not stream")
    }

    /// The decoded value of `name` in a form-encoded body.
    static func formValue(_ name: String, in body: Data) -> String? {
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name {
                return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
        }
        return nil
    }

    /// A Query API request as the AWS clients send it.
    static func queryRequest(action: String, extra: String = "") -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: URL(string: "https://iam.amazonaws.com/")!,
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Data("Action=\(action)&Version=2010-05-08\(extra)".utf8))
    }

    /// An AWS Query API error document, as IAM and STS send it.
    static func errorResponse(status: Int, code: String, message: String = "scripted failure") -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/xml"],
            body: Data("""
                <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
                  <RequestId>4f1c6f4e-0000-0000-0000-000000000000</RequestId>
                </ErrorResponse>
                """.utf8))
    }
}
