/// An error answered by an AWS service (or moto): the service's code and message, the request
/// id to quote to AWS support, and the HTTP status. A value, so callers switch on it.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The AWS error code, e.g. `NoSuchEntity`, `Throttling`.
    public var code: String
    public var message: String
    public var requestId: String?
    public var httpStatus: Int

    public init(code: String, message: String, requestId: String? = nil, httpStatus: Int) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
    }

    public var description: String {
        let request = requestId.map { ", request id \($0)" } ?? ""
        return "AWS error \(code) (HTTP \(httpStatus)\(request)): \(message)"
    }

    /// The entity named in the call does not exist.
    public var isNoSuchEntity: Bool { code == "NoSuchEntity" }
    /// An entity with that name exists already.
    public var isEntityAlreadyExists: Bool { code == "EntityAlreadyExists" }
    /// The entity still has attachments (e.g. a role with policies attached).
    public var isDeleteConflict: Bool { code == "DeleteConflict" }
    /// IAM rejected a policy document's syntax or grammar.
    public var isMalformedPolicyDocument: Bool { code == "MalformedPolicyDocument" }
    /// An IAM quota is exhausted (a count limit). Not a throttle: retrying does not help.
    public var isLimitExceeded: Bool { code == "LimitExceeded" }
    /// The service asked us to slow down; retried by the standard retry mode.
    public var isThrottling: Bool { AWSErrorClassification.throttlingCodes.contains(code) || httpStatus == 429 }
    /// The caller may not perform the action.
    public var isAccessDenied: Bool { code == "AccessDenied" || code == "AccessDeniedException" }
}
