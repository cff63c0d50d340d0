import KubeModels

/// What IAM holds for a role, as observed by GetRole, ListRolePolicies/GetRolePolicy,
/// ListAttachedRolePolicies and ListRoleTags. `nil` where the planner takes an `ObservedRole?`
/// means the role does not exist.
public struct ObservedRole: Sendable, Equatable {
    public var name: String
    public var path: String
    public var arn: String
    /// IAM omits an empty description; `nil` and `""` mean the same.
    public var description: String?
    public var maxSessionDuration: Int
    public var permissionsBoundaryArn: String?
    /// Parsed (URL-decoded) trust policy.
    public var trustPolicy: JSONValue
    /// Inline policy name to parsed document.
    public var inlinePolicies: [String: JSONValue]
    public var attachedManagedPolicyArns: Set<String>
    public var tags: [String: String]

    public init(
        name: String, path: String, arn: String, description: String? = nil, maxSessionDuration: Int = 3600,
        permissionsBoundaryArn: String? = nil, trustPolicy: JSONValue, inlinePolicies: [String: JSONValue] = [:],
        attachedManagedPolicyArns: Set<String> = [], tags: [String: String] = [:]
    ) {
        self.name = name
        self.path = path
        self.arn = arn
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.trustPolicy = trustPolicy
        self.inlinePolicies = inlinePolicies
        self.attachedManagedPolicyArns = attachedManagedPolicyArns
        self.tags = tags
    }

    /// The value of a tag, looking the key up case-insensitively as IAM does.
    public func tag(_ key: String) -> String? {
        if let exact = tags[key] { return exact }
        let lowered = key.lowercased()
        return tags.first { $0.key.lowercased() == lowered }?.value
    }
}
