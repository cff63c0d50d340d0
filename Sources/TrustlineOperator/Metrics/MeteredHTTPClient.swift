import Foundation
import HTTPTransport

/// Wraps the transport of an AWS Query API client and counts every exchange in
/// `OperatorMetrics` by service, action and result code. The AWS clients offer no observer, and
/// counting at the transport also counts retries, which is what the IAM endpoint sees.
public struct MeteredHTTPClient: HTTPClient {
    let wrapped: any HTTPClient
    let service: String
    let metrics: OperatorMetrics

    public init(wrapping client: any HTTPClient, service: String, metrics: OperatorMetrics) {
        wrapped = client
        self.service = service
        self.metrics = metrics
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let action = service == "s3" ? Self.action(ofS3Method: request.method) : Self.action(ofFormBody: request.body)
        do {
            let response = try await wrapped.send(request)
            metrics.recordAWSRequest(service: service, action: action, code: Self.code(of: response))
            return response
        } catch {
            metrics.recordAWSRequest(service: service, action: action, code: "TransportError")
            throw error
        }
    }

    public func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        try await wrapped.stream(request)
    }

    /// `Action=...` of a form-encoded Query API body, or `Unknown`.
    static func action(ofFormBody body: Data) -> String {
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "Action" {
                return String(parts[1]).removingPercentEncoding ?? String(parts[1])
            }
        }
        return "Unknown"
    }

    /// S3 is a REST API: the method names the object call (the operator makes no other S3 call).
    static func action(ofS3Method method: String) -> String {
        switch method {
        case "GET": return "GetObject"
        case "PUT": return "PutObject"
        case "HEAD": return "HeadObject"
        default: return method
        }
    }

    /// `OK` for 2xx, else the `<Code>` of the error document, else `HTTP<status>`.
    static func code(of response: HTTPResponse) -> String {
        if (200..<300).contains(response.status) { return "OK" }
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self)
        if let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) {
            let code = text[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            if !code.isEmpty, code.count <= 64, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) {
                return code
            }
        }
        return "HTTP\(response.status)"
    }
}
