import KubeModels

/// A digest of what a successful reconcile converged a resource's role to: the rendered role,
/// the ARN it reported, and the resource's uid and generation. A later reconcile that computes
/// the same fingerprint (a ServiceAccount event, its own status write coming back) knows the role
/// was converged for exactly this, and need not read IAM again unless the drift pass flagged it
/// (docs/design.md section 12). One `Int` per resource keeps that memory small; it lives only in
/// the process (`Hasher` is seeded per process), which is all it needs.
public struct ConvergedRoleFingerprint: Sendable, Hashable {
    public let value: Int

    public init(role: DesiredRole, roleArn: String, uid: String?, generation: Int64?) {
        var hasher = Hasher()
        hasher.combine(uid)
        hasher.combine(generation)
        hasher.combine(roleArn)
        hasher.combine(role.name)
        hasher.combine(role.path)
        hasher.combine(role.arn)
        hasher.combine(role.description)
        hasher.combine(role.maxSessionDuration)
        hasher.combine(role.permissionsBoundaryArn)
        hasher.combine(role.trustPolicy)
        hasher.combine(role.inlinePolicies)
        hasher.combine(role.managedPolicyArns)
        hasher.combine(role.tags)
        value = hasher.finalize()
    }
}
