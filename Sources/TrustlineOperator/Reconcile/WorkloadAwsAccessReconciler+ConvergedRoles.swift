import KubeModels
import TrustlineCore

extension WorkloadAwsAccessReconciler {
    /// This reconciler skipping IAM for roles `memo` remembers converged (the drift pass's partner).
    func remembering(_ memo: ConvergedRoleMemo) -> WorkloadAwsAccessReconciler {
        var copy = self
        copy.convergedRoles = memo
        return copy
    }

    /// The role as the last full reconcile converged it, when that was for this very rendering,
    /// generation and reported ARN and the drift pass has not flagged it since; nil means observe
    /// IAM in full (no memo, first reconcile, spec change, an error, or a flag).
    func rememberedRole(_ rendered: RenderedAccess, of resource: WorkloadAwsAccess, key: ObjectKey) -> RoleConvergence.Result? {
        guard let convergedRoles, let roleArn = resource.status?.roleArn, !roleArn.isEmpty else { return nil }
        let fingerprint = Self.fingerprint(rendered, roleArn: roleArn, of: resource)
        guard convergedRoles.isConverged(key, as: fingerprint) else { return nil }
        return RoleConvergence.Result(roleArn: roleArn, actions: [], differences: [], adoption: nil)
    }

    /// Records that the observation `ticket` started left the role converged to `rendered`.
    func remember(_ rendered: RenderedAccess, roleArn: String, of resource: WorkloadAwsAccess, key: ObjectKey, ticket: ConvergedRoleMemo.Ticket) {
        convergedRoles?.recordConverged(key, as: Self.fingerprint(rendered, roleArn: roleArn, of: resource), ticket: ticket)
    }

    static func fingerprint(_ rendered: RenderedAccess, roleArn: String, of resource: WorkloadAwsAccess) -> ConvergedRoleFingerprint {
        ConvergedRoleFingerprint(role: rendered.role, roleArn: roleArn, uid: resource.metadata.uid, generation: resource.metadata.generation)
    }
}
