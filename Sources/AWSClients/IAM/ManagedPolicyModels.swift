/// A managed policy as GetPolicy returns it: what the operator needs to find the document that
/// is in force (the default version), so a policy can be held to the same guardrails as inline ones.
public struct ManagedPolicy: Sendable, Equatable {
    public var arn: String
    public var policyName: String
    /// The version whose document grants permissions to every role the policy is attached to.
    public var defaultVersionId: String

    public init(arn: String, policyName: String, defaultVersionId: String) {
        self.arn = arn
        self.policyName = policyName
        self.defaultVersionId = defaultVersionId
    }
}

/// One version of a managed policy as GetPolicyVersion returns it, its document URL-decoded.
/// A version's document never changes (IAM creates a new version instead), so it may be cached
/// by ARN and version id for good.
public struct ManagedPolicyVersion: Sendable, Equatable {
    public var versionId: String
    public var isDefaultVersion: Bool
    /// The policy JSON, URL-decoded.
    public var document: String

    public init(versionId: String, isDefaultVersion: Bool, document: String) {
        self.versionId = versionId
        self.isDefaultVersion = isDefaultVersion
        self.document = document
    }
}
