import Foundation
import HTTPTransport

/// Reads an error answer into an `AWSError`. It accepts the shapes moto and AWS send for Query
/// APIs: `<ErrorResponse><Error>…</Error><RequestId>` (IAM, STS),
/// `<ErrorResponse><Errors><Error>…` (moto's generic auth errors) and
/// `<Response><Errors><Error>…</Errors><RequestID>` (EC2 style).
enum AWSErrorResponseDecoder {
    static func decode(_ response: HTTPResponse) -> AWSClientError {
        let headerRequestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let root: ParsedXMLElement
        do {
            root = try XMLDocumentDecoder.decode(response.body, expectedRoot: nil)
        } catch {
            return .invalidResponse(error, httpStatus: response.status, requestId: headerRequestId)
        }
        let errorElement: ParsedXMLElement?
        switch root.name {
        case "ErrorResponse":
            errorElement = root.child("Error") ?? root.element(at: ["Errors", "Error"])
        case "Response":
            errorElement = root.element(at: ["Errors", "Error"])
        case "Error":
            errorElement = root
        default:
            errorElement = nil
        }
        guard let errorElement, let code = errorElement.text(at: ["Code"]), !code.isEmpty else {
            let reason: XMLDecodingError = errorElement == nil
                ? .unexpectedRoot(expected: "ErrorResponse", found: root.name)
                : .missingElement(path: "\(root.name)/…/Error/Code")
            return .invalidResponse(reason, httpStatus: response.status, requestId: headerRequestId)
        }
        let message = errorElement.text(at: ["Message"]) ?? errorElement.text(at: ["message"]) ?? ""
        let requestId = root.text(at: ["RequestId"]) ?? root.text(at: ["RequestID"])
            ?? errorElement.text(at: ["RequestId"]) ?? headerRequestId
        return .service(AWSError(
            code: code.trimmingCharacters(in: .whitespacesAndNewlines),
            message: message,
            requestId: requestId,
            httpStatus: response.status
        ))
    }
}
