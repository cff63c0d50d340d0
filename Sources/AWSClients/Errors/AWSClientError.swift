import HTTPTransport

/// Everything an AWS client call can fail with: an answer from the service, a transport
/// failure, an unreadable response, missing credentials, or input rejected before sending.
public enum AWSClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service answered with an error.
    case service(AWSError)
    /// No usable HTTP exchange happened (refused, reset, timed out, TLS, ...).
    case transport(HTTPTransportError)
    /// The service answered with a body we cannot trust (malformed, truncated, wrong root, missing field).
    case invalidResponse(XMLDecodingError, httpStatus: Int, requestId: String?)
    /// The credential provider failed; the message says what it tried.
    case credentials(String)
    /// A parameter was rejected before any request was sent; `field` names it.
    case invalidInput(field: String, reason: String)

    public var description: String {
        switch self {
        case let .service(error):
            return error.description
        case let .transport(error):
            return "AWS request failed in transport: \(error)"
        case let .invalidResponse(error, status, requestId):
            let request = requestId.map { ", request id \($0)" } ?? ""
            return "AWS response unreadable (HTTP \(status)\(request)): \(error)"
        case let .credentials(message):
            return "no AWS credentials: \(message)"
        case let .invalidInput(field, reason):
            return "invalid \(field): \(reason)"
        }
    }

    /// The service error, when the service answered with one.
    public var serviceError: AWSError? {
        if case let .service(error) = self { return error }
        return nil
    }

    public var isNoSuchEntity: Bool { serviceError?.isNoSuchEntity ?? false }
    public var isEntityAlreadyExists: Bool { serviceError?.isEntityAlreadyExists ?? false }
    public var isDeleteConflict: Bool { serviceError?.isDeleteConflict ?? false }
    public var isMalformedPolicyDocument: Bool { serviceError?.isMalformedPolicyDocument ?? false }
    public var isLimitExceeded: Bool { serviceError?.isLimitExceeded ?? false }
    public var isThrottling: Bool { serviceError?.isThrottling ?? false }
    public var isAccessDenied: Bool { serviceError?.isAccessDenied ?? false }
}
