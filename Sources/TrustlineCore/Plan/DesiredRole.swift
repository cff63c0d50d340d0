import KubeModels

/// The role a valid resource should have, fully rendered: the planner's target. Built by
/// `DesiredRoleRenderer` after validation passed.
public struct DesiredRole: Sendable, Equatable {
    public var name: String
    public var path: String
    public var arn: String
    public var description: String
    public var maxSessionDuration: Int
    public var permissionsBoundaryArn: String?
    public var trustPolicy: JSONValue
    /// Inline policy name to document.
    public var inlinePolicies: [String: JSONValue]
    public var managedPolicyArns: Set<String>
    /// User tags plus the four ownership tags.
    public var tags: [String: String]

    public init(
        name: String, path: String, arn: String, description: String = "", maxSessionDuration: Int = 3600,
        permissionsBoundaryArn: String? = nil, trustPolicy: JSONValue, inlinePolicies: [String: JSONValue] = [:],
        managedPolicyArns: Set<String> = [], tags: [String: String] = [:]
    ) {
        self.name = name
        self.path = path
        self.arn = arn
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.trustPolicy = trustPolicy
        self.inlinePolicies = inlinePolicies
        self.managedPolicyArns = managedPolicyArns
        self.tags = tags
    }
}
