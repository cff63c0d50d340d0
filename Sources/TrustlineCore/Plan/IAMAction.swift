import KubeModels

/// One IAM write call of a plan. The reconciler executes them in order; `summary` is the
/// human-readable line for `trustline plan` and `DriftCorrected` events.
public enum IAMAction: Sendable, Hashable {
    /// CreateRole carries path, trust policy, description, duration, boundary and tags at once.
    case createRole(CreateRoleRequest)
    case updateAssumeRolePolicy(roleName: String, document: JSONValue)
    /// UpdateRole resets omitted fields, so both are always sent.
    case updateRole(roleName: String, description: String, maxSessionDuration: Int)
    case putRolePermissionsBoundary(roleName: String, boundaryArn: String)
    case deleteRolePermissionsBoundary(roleName: String)
    case putRolePolicy(roleName: String, policyName: String, document: JSONValue)
    case deleteRolePolicy(roleName: String, policyName: String)
    case attachRolePolicy(roleName: String, policyArn: String)
    case detachRolePolicy(roleName: String, policyArn: String)
    /// One call for all added or changed tags.
    case tagRole(roleName: String, tags: [String: String])
    /// One call for all removed tag keys.
    case untagRole(roleName: String, keys: [String])
    case deleteRole(roleName: String)

    /// The IAM API action name, e.g. `PutRolePolicy` (for metrics and logs).
    public var apiName: String {
        switch self {
        case .createRole: return "CreateRole"
        case .updateAssumeRolePolicy: return "UpdateAssumeRolePolicy"
        case .updateRole: return "UpdateRole"
        case .putRolePermissionsBoundary: return "PutRolePermissionsBoundary"
        case .deleteRolePermissionsBoundary: return "DeleteRolePermissionsBoundary"
        case .putRolePolicy: return "PutRolePolicy"
        case .deleteRolePolicy: return "DeleteRolePolicy"
        case .attachRolePolicy: return "AttachRolePolicy"
        case .detachRolePolicy: return "DetachRolePolicy"
        case .tagRole: return "TagRole"
        case .untagRole: return "UntagRole"
        case .deleteRole: return "DeleteRole"
        }
    }

    /// The role the call writes.
    public var roleName: String {
        switch self {
        case .createRole(let request): return request.roleName
        case .updateAssumeRolePolicy(let name, _), .updateRole(let name, _, _), .putRolePermissionsBoundary(let name, _),
            .deleteRolePermissionsBoundary(let name), .putRolePolicy(let name, _, _), .deleteRolePolicy(let name, _),
            .attachRolePolicy(let name, _), .detachRolePolicy(let name, _), .tagRole(let name, _), .untagRole(let name, _),
            .deleteRole(let name):
            return name
        }
    }

    /// One line saying what the call does, e.g. `attach managed policy arn:aws:iam::aws:policy/X`.
    public var summary: String {
        switch self {
        case .createRole(let request):
            return "create role \(request.roleName) at path \(request.path) with the rendered trust policy and \(request.tags.count) tags"
        case .updateAssumeRolePolicy(let name, _):
            return "restore the trust policy of role \(name)"
        case .updateRole(let name, let description, let duration):
            return "set description \"\(description)\" and max session duration \(duration)s on role \(name)"
        case .putRolePermissionsBoundary(let name, let arn):
            return "set permissions boundary \(arn) on role \(name)"
        case .deleteRolePermissionsBoundary(let name):
            return "remove the permissions boundary of role \(name)"
        case .putRolePolicy(let name, let policy, _):
            return "put inline policy \(policy) on role \(name)"
        case .deleteRolePolicy(let name, let policy):
            return "delete inline policy \(policy) from role \(name)"
        case .attachRolePolicy(let name, let arn):
            return "attach managed policy \(arn) to role \(name)"
        case .detachRolePolicy(let name, let arn):
            return "detach managed policy \(arn) from role \(name)"
        case .tagRole(let name, let tags):
            return "tag role \(name) with " + tags.keys.sorted().map { "\($0)=\(tags[$0] ?? "")" }.joined(separator: ", ")
        case .untagRole(let name, let keys):
            return "remove tags " + keys.sorted().joined(separator: ", ") + " from role \(name)"
        case .deleteRole(let name):
            return "delete role \(name)"
        }
    }
}

/// The arguments of CreateRole.
public struct CreateRoleRequest: Sendable, Hashable {
    public var roleName: String
    public var path: String
    public var trustPolicy: JSONValue
    public var description: String
    public var maxSessionDuration: Int
    public var permissionsBoundaryArn: String?
    public var tags: [String: String]

    public init(roleName: String, path: String, trustPolicy: JSONValue, description: String, maxSessionDuration: Int, permissionsBoundaryArn: String?, tags: [String: String]) {
        self.roleName = roleName
        self.path = path
        self.trustPolicy = trustPolicy
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.tags = tags
    }
}
