import AWSClients
import KubeModels
import TrustlineCore

/// Executes core's `IAMAction`s as IAM calls, one by one, in plan order. Documents go out in the
/// compact canonical form and tags sorted by key, as `IAMAction.queryParameters` spells them, so
/// what `trustline plan` prints is exactly what the reconciler sends.
struct IAMActionExecutor: Sendable {
    let iam: any IAMAPI

    func perform(_ action: IAMAction) async throws(AWSClientError) {
        switch action {
        case .createRole(let request):
            _ = try await iam.createRole(
                AWSClients.CreateRoleRequest(
                    roleName: request.roleName,
                    assumeRolePolicyDocument: PolicyCanonicalizer.wireText(request.trustPolicy),
                    path: request.path,
                    description: request.description.isEmpty ? nil : request.description,
                    maxSessionDuration: request.maxSessionDuration,
                    permissionsBoundaryArn: request.permissionsBoundaryArn,
                    tags: Self.iamTags(request.tags)))
        case .updateAssumeRolePolicy(let roleName, let document):
            try await iam.updateAssumeRolePolicy(roleName: roleName, policyDocument: PolicyCanonicalizer.wireText(document))
        case .updateRole(let roleName, let description, let maxSessionDuration):
            try await iam.updateRole(roleName: roleName, description: description, maxSessionDuration: maxSessionDuration)
        case .putRolePermissionsBoundary(let roleName, let boundaryArn):
            try await iam.putRolePermissionsBoundary(roleName: roleName, permissionsBoundaryArn: boundaryArn)
        case .deleteRolePermissionsBoundary(let roleName):
            try await iam.deleteRolePermissionsBoundary(roleName: roleName)
        case .putRolePolicy(let roleName, let policyName, let document):
            try await iam.putRolePolicy(roleName: roleName, policyName: policyName, policyDocument: PolicyCanonicalizer.wireText(document))
        case .deleteRolePolicy(let roleName, let policyName):
            try await iam.deleteRolePolicy(roleName: roleName, policyName: policyName)
        case .attachRolePolicy(let roleName, let policyArn):
            try await iam.attachRolePolicy(roleName: roleName, policyArn: policyArn)
        case .detachRolePolicy(let roleName, let policyArn):
            try await iam.detachRolePolicy(roleName: roleName, policyArn: policyArn)
        case .tagRole(let roleName, let tags):
            try await iam.tagRole(roleName: roleName, tags: Self.iamTags(tags))
        case .untagRole(let roleName, let keys):
            try await iam.untagRole(roleName: roleName, tagKeys: keys.sorted())
        case .deleteRole(let roleName):
            try await iam.deleteRole(roleName: roleName)
        }
    }

    static func iamTags(_ tags: [String: String]) -> [IAMTag] {
        tags.keys.sorted().map { IAMTag(key: $0, value: tags[$0] ?? "") }
    }

    /// Whether the action removes something, so NoSuchEntity means it is already gone: success.
    static func isRemoval(_ action: IAMAction) -> Bool {
        switch action {
        case .deleteRolePermissionsBoundary, .deleteRolePolicy, .detachRolePolicy, .untagRole, .deleteRole: return true
        default: return false
        }
    }

    /// The condition an action reports on when it fails: policies for policy calls, else the role.
    static func stage(of action: IAMAction) -> ReconcileStage {
        switch action {
        case .putRolePolicy, .deleteRolePolicy, .attachRolePolicy, .detachRolePolicy: return .policies
        default: return .role
        }
    }

    /// What the action touches, for messages: the policy for policy calls, else the role.
    static func target(of action: IAMAction) -> String {
        switch action {
        case .putRolePolicy(let role, let policy, _), .deleteRolePolicy(let role, let policy):
            return "inline policy \(policy) of role \(role)"
        case .attachRolePolicy(let role, let arn), .detachRolePolicy(let role, let arn):
            return "managed policy \(arn) of role \(role)"
        default:
            return "role \(action.roleName)"
        }
    }
}
