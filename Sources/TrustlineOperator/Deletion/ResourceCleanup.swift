import AWSClients
import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// Deletion of a resource under the finalizer (docs/design.md section 4, "Deletion"). With `Delete`:
/// detach managed policies, delete inline policies, delete the role when ownership checks out
/// (someone else's role is left alone and does not hold the finalizer), and so for every other
/// role tagged with this resource's uid; with `Retain`: the current role is kept, marked retained
/// so the orphan sweep spares it, and roles of earlier names are deleted. Then the ServiceAccount
/// we created is deleted, or only our annotations are removed from one we annotated. What to clean
/// comes from core's `CleanupTarget`; the finalizer itself is the reconciler's, which decides when
/// to clean up and removes the finalizer afterwards.
struct ResourceCleanup: Sendable {
    let iam: any IAMAPI
    let kubernetes: any KubernetesAPI
    let publisher: StatusPublisher
    let target: CleanupTarget

    init(iam: any IAMAPI, kubernetes: any KubernetesAPI, publisher: StatusPublisher, target: CleanupTarget) {
        self.iam = iam
        self.kubernetes = kubernetes
        self.publisher = publisher
        self.target = target
    }

    /// Publishes `Deleting` with what cleanup is about to do; returns the resource to continue
    /// with (its resourceVersion moves with the status write), or nil when it is already gone.
    func announce(_ resource: WorkloadAwsAccess, logger: Logger) async throws -> WorkloadAwsAccess? {
        let publication = try await publisher.publish(
            .deleting(message: plan(for: resource)), fields: Self.statusFields(of: resource), on: resource, logger: logger)
        if case .resourceGone = publication { return nil }
        return publication.latest(resource)
    }

    /// Cleans up IAM and the ServiceAccounts; throws the first thing that blocks, as a deletion block.
    func clean(_ resource: WorkloadAwsAccess, logger: Logger) async throws(ReconcileBlock) {
        let retain = resource.spec.deletionPolicy == .retain
        try await retireRoles(keeping: retain ? target.roleName : nil, of: resource, logger: logger)
        for name in target.serviceAccountNames {
            try await cleanServiceAccount(named: name, of: resource, logger: logger)
        }
    }

    /// The status fields kept while deleting: the ones the last reconcile recorded.
    static func statusFields(of resource: WorkloadAwsAccess) -> WorkloadAwsAccessStatus {
        var fields = resource.status ?? WorkloadAwsAccessStatus()
        fields.conditions = []
        return fields
    }

    private func plan(for resource: WorkloadAwsAccess) -> String {
        let serviceAccount = "\(resource.namespace)/\(target.serviceAccountNames.first ?? RoleNaming.serviceAccountName(for: resource))"
        guard let roleName = target.roleName else {
            return "no role was ever rendered for this resource; cleaning up ServiceAccount \(serviceAccount)"
        }
        if resource.spec.deletionPolicy == .retain {
            return "deletionPolicy Retain: leaving role \(roleName) in IAM, cleaning up ServiceAccount \(serviceAccount)"
        }
        return "deletionPolicy Delete: deleting role \(roleName) and cleaning up ServiceAccount \(serviceAccount)"
    }

    /// With `Delete`, every role tagged for this resource goes: the one status names and, when the
    /// spec was ever changed, any a quick rename left behind. With `Retain`, only the current role is kept
    /// (and marked, see `RetainedRoleMarker`): older names are access the user already took away
    /// by renaming, and keeping them would leave roles nobody reconciles any more.
    private func retireRoles(keeping kept: String?, of resource: WorkloadAwsAccess, logger: Logger) async throws(ReconcileBlock) {
        // A spec that never validated and status naming no role: no IAM call at all. A role made
        // under an earlier valid spec whose status write was lost is left to the orphan sweep.
        guard let current = target.roleName else { return }
        var step = "role \(current)"
        do {
            if kept == nil {
                _ = try await OwnedRoleRemoval(iam: iam).remove(roleName: current, owner: target.owner, logger: logger)
            } else {
                try await RetainedRoleMarker(iam: iam).mark(roleName: current, owner: target.owner, logger: logger)
            }
            // Other names exist only where the spec changed since creation (a rename); a
            // resource at generation 1 had one name, so deleting N of them costs no listing each.
            // A role left under an earlier name by a settings change is the orphan sweep's.
            guard (resource.metadata.generation ?? 2) > 1 else { return }
            step = "the roles tagged for \(resource.namespace)/\(resource.name)"
            _ = try await StaleRoleRetirement(iam: iam).retire(
                owner: target.owner, keeping: kept, under: target.rolePaths,
                createdSince: StaleRoleRetirement.earliestCreation(of: resource), logger: logger)
        } catch {
            throw Self.block(error.error, action: error.action, target: step)
        }
    }

    private func cleanServiceAccount(named name: String, of resource: WorkloadAwsAccess, logger: Logger) async throws(ReconcileBlock) {
        let namespace = resource.namespace
        do {
            _ = try await ServiceAccountRelease(kubernetes: kubernetes).release(
                namespace: namespace, name: name, of: resource, ourAnnotations: [target.serviceAccountAnnotations], logger: logger)
        } catch {
            throw ReconcileBlock(
                stage: .serviceAccount, reason: .deletionBlocked,
                message: "could not clean up ServiceAccount \(namespace)/\(name): \(error); the operator retries with backoff",
                retry: .withBackoff, phase: .deletion)
        }
    }

    /// An IAM failure during cleanup, in the vocabulary of every other step (`AWSThrottled` or
    /// `AWSError`, retried with backoff), published as `DeletionBlocked`.
    static func block(_ error: AWSClientError, action: String, target: String) -> ReconcileBlock {
        let block = AWSFailureReport.block(error, action: action, target: target, stage: .role)
        if error.isDeleteConflict {
            return block.stoppingDeletion(
                message: "\(target) cannot be deleted yet: IAM \(action) answered DeleteConflict (something still attached to it); the operator retries with backoff")
        }
        return block.stoppingDeletion(message: "cleanup of \(target) is blocked: " + block.message)
    }
}
