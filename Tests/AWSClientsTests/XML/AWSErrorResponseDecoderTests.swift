@testable import AWSClients
import Foundation
import HTTPTransport
import Testing

@Suite struct AWSErrorResponseDecoderTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let label: String
        let body: String
        let expected: AWSError
        var testDescription: String { label }
    }

    static let shapes: [Shape] = [
        Shape(
            label: "IAM/STS serializer shape (moto 5)",
            body: #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Role nope not found</Message><message>Role nope not found</message></Error><RequestId>REQ1</RequestId></ErrorResponse>"#,
            expected: AWSError(code: "NoSuchEntity", message: "Role nope not found", requestId: "REQ1", httpStatus: 404)),
        Shape(
            label: "moto's generic auth error shape",
            body: #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#,
            expected: AWSError(code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match", requestId: "HDR", httpStatus: 404)),
        Shape(
            label: "EC2-style Response shape",
            body: #"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>REQ3</RequestID></Response>"#,
            expected: AWSError(code: "RequestLimitExceeded", message: "Request limit exceeded.", requestId: "REQ3", httpStatus: 404)),
        Shape(
            label: "lowercase message only",
            body: #"<ErrorResponse><Error><Code>Throttling</Code><message>Rate exceeded</message></Error></ErrorResponse>"#,
            expected: AWSError(code: "Throttling", message: "Rate exceeded", requestId: "HDR", httpStatus: 404)),
    ]

    @Test(arguments: shapes)
    func decodesEveryShape(_ shape: Shape) {
        let response = HTTPResponse(status: 404, headers: ["x-amzn-RequestId": "HDR"], body: Data(shape.body.utf8))
        #expect(AWSErrorResponseDecoder.decode(response) == .service(shape.expected))
    }

    @Test(arguments: [
        ("<html>Bad Gateway</html>", 502),
        ("<ErrorResponse><Error><Code>Throt", 400),
        ("", 503),
        ("<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>", 400),
    ])
    func unreadableErrorBodiesAreInvalidResponses(body: String, status: Int) {
        let response = HTTPResponse(status: status, body: Data(body.utf8))
        guard case let .invalidResponse(_, httpStatus, _) = AWSErrorResponseDecoder.decode(response) else {
            Issue.record("expected invalidResponse for \(body)")
            return
        }
        #expect(httpStatus == status)
    }

    @Test func typedHelpers() {
        func error(_ code: String, _ status: Int = 400) -> AWSError { AWSError(code: code, message: "", httpStatus: status) }
        #expect(error("NoSuchEntity", 404).isNoSuchEntity)
        #expect(error("EntityAlreadyExists", 409).isEntityAlreadyExists)
        #expect(error("DeleteConflict", 409).isDeleteConflict)
        #expect(error("MalformedPolicyDocument").isMalformedPolicyDocument)
        #expect(error("LimitExceeded", 409).isLimitExceeded)
        #expect(!error("LimitExceeded", 409).isThrottling)
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown"] {
            #expect(error(code).isThrottling, "\(code)")
        }
        #expect(error("Anything", 429).isThrottling)
        #expect(!error("NoSuchEntity", 404).isThrottling)
    }
}
