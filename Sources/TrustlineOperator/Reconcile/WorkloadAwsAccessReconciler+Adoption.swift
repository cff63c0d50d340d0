import KubeModels
import TrustlineCore

extension WorkloadAwsAccessReconciler {
    /// A role adopted by name (`adoptableRoleNames`) changed hands: a Normal `AdoptedRole` event
    /// says which statements of its old trust policy went and what else was converged, so the
    /// people who ran it under eksctl or Terraform can see what it no longer allows.
    func reportAdoption(_ role: RoleConvergence.Result, of resource: WorkloadAwsAccess) async {
        guard let adoption = role.adoption else { return }
        let trust = adoption.removedTrustStatements.isEmpty
            ? "no trust statement removed"
            : "trust statements removed: " + adoption.removedTrustStatements.joined(separator: "; ")
        let changes = adoption.differences.isEmpty ? "" : "; converged: " + adoption.differences.joined(separator: "; ")
        await events.record(
            .normal("AdoptedRole", "adopted untagged role \(role.roleArn) by name (adoptableRoleNames); \(trust)\(changes)"),
            regarding: ObjectReference(to: resource))
    }
}
