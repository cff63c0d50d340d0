import AWSClients
import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// Deletion of a resource through the finalizer (docs/design.md section 4, "Deletion"). With `Delete`:
/// detach managed policies, delete inline policies, delete the role when ownership checks out
/// (someone else's role is left alone and does not hold the finalizer), and so for every other
/// role tagged with this resource's uid; with `Retain`: the current role is kept, marked retained
/// so the orphan sweep spares it, and roles of earlier names are deleted. Then the ServiceAccount we created is deleted, or only our annotations are removed from
/// one we annotated, and the finalizer goes. A blocker is reported as `DeletionBlocked`.
struct ResourceCleanup: Sendable {
    let iam: any IAMAPI
    let kubernetes: any KubernetesAPI
    let settings: OperatorSettings
    let context: RenderingContext
    let publisher: StatusPublisher

    /// What blocked a cleanup step: the message names it.
    struct Blocker: Error {
        var message: String
    }

    func clean(_ resource: WorkloadAwsAccess, logger: Logger) async -> ReconcileResult {
        guard CleanupFinalizer.isPresent(on: resource) else { return .done }
        let retain = resource.spec.deletionPolicy == .retain
        let roleName = Self.roleName(of: resource, settings: settings, context: context)
        let serviceAccountName = resource.status?.serviceAccountName ?? RoleNaming.serviceAccountName(for: resource)
        var current = resource
        let plan: String
        if let roleName, !retain {
            plan = "deletionPolicy Delete: deleting role \(roleName) and cleaning up ServiceAccount \(resource.namespace)/\(serviceAccountName)"
        } else if let roleName {
            plan = "deletionPolicy Retain: leaving role \(roleName) in IAM, cleaning up ServiceAccount \(resource.namespace)/\(serviceAccountName)"
        } else {
            plan = "no role was ever rendered for this resource; cleaning up ServiceAccount \(resource.namespace)/\(serviceAccountName)"
        }
        do {
            let publication = try await publisher.publish(.deleting(message: plan), fields: fields(of: resource), on: resource, logger: logger)
            if case .resourceGone = publication { return .done }
            current = publication.latest(resource)
        } catch {
            return .transientError("could not write the Deleting status: \(error)")
        }
        do {
            try await retireRoles(keeping: retain ? roleName : nil, of: current, logger: logger)
            try await cleanServiceAccount(named: serviceAccountName, of: current, logger: logger)
            // A rename whose status write never happened: the spec's name got our annotations too.
            let named = RoleNaming.serviceAccountName(for: current)
            if named != serviceAccountName {
                try await cleanServiceAccount(named: named, of: current, logger: logger)
            }
        } catch {
            let message = error.message
            logger.warning("deletion blocked: \(message)")
            do {
                _ = try await publisher.publish(.deletionBlocked(message: message), fields: fields(of: current), on: current, logger: logger)
            } catch {
                logger.warning("could not write the DeletionBlocked status: \(error)")
            }
            return .transientError(message)
        }
        do {
            try await CleanupFinalizer.remove(from: current, using: kubernetes)
            logger.info("cleanup done, finalizer removed", metadata: ["deletionPolicy": "\(resource.spec.deletionPolicy)"])
            return .done
        } catch let error as KubeAPIError where error.isNotFound {
            return .done
        } catch {
            return .transientError("could not remove finalizer \(CleanupFinalizer.name): \(error)")
        }
    }

    /// The role this resource may have: the one named in status, else the one a valid spec
    /// renders. A spec that never validated made no role, and its name may not even be valid
    /// for IAM, so there is nothing to look up.
    static func roleName(of resource: WorkloadAwsAccess, settings: OperatorSettings, context: RenderingContext) -> String? {
        if let named = resource.status?.roleName, !named.isEmpty { return named }
        if case .success(let rendered) = AccessEvaluation.evaluate(resource, settings: settings, context: context) {
            return rendered.role.name
        }
        return nil
    }

    private func fields(of resource: WorkloadAwsAccess) -> WorkloadAwsAccessStatus {
        var fields = resource.status ?? WorkloadAwsAccessStatus()
        fields.conditions = []
        return fields
    }

    /// With `Delete`, every role tagged for this resource goes: the one status names and any a
    /// quick rename or a late CreateRole left behind. With `Retain`, only the current role is kept
    /// (and marked, see `RetainedRoleMarker`): older names are access the user already took away
    /// by renaming, and keeping them would leave roles nobody reconciles any more.
    private func retireRoles(keeping kept: String?, of resource: WorkloadAwsAccess, logger: Logger) async throws(Blocker) {
        let owner = OwnerIdentity(clusterName: context.clusterName, namespace: resource.namespace, name: resource.name, uid: resource.metadata.uid ?? "")
        // A spec that never validated and status naming no role: no IAM call at all. A role made
        // under an earlier valid spec whose status write was lost is left to the orphan sweep.
        guard let current = Self.roleName(of: resource, settings: settings, context: context) else { return }
        let paths: Set<String> = [RoleNaming.rolePath(for: resource, defaultPath: context.rolePath), context.rolePath]
        var step = "role \(current)"
        do {
            if kept == nil {
                _ = try await OwnedRoleRemoval(iam: iam).remove(roleName: current, owner: owner, logger: logger)
            } else {
                try await RetainedRoleMarker(iam: iam).mark(roleName: current, owner: owner, logger: logger)
            }
            step = "the roles tagged for \(resource.namespace)/\(resource.name)"
            _ = try await StaleRoleRetirement(iam: iam).retire(
                owner: owner, keeping: kept, under: paths, createdSince: StaleRoleRetirement.earliestCreation(of: resource), logger: logger)
        } catch {
            throw Blocker(message: Self.message(error.error, action: error.action, target: step))
        }
    }

    private func cleanServiceAccount(named name: String, of resource: WorkloadAwsAccess, logger: Logger) async throws(Blocker) {
        let namespace = resource.namespace
        do {
            _ = try await ServiceAccountRelease(kubernetes: kubernetes).release(
                namespace: namespace, name: name, of: resource, ourAnnotations: [ourAnnotations(of: resource)], logger: logger)
        } catch {
            throw Blocker(message: "could not clean up ServiceAccount \(namespace)/\(name): \(error); the operator retries with backoff")
        }
    }

    /// The annotations the operator set: what it renders for this spec and role. A key whose value
    /// differs was changed by someone else and is left alone.
    private func ourAnnotations(of resource: WorkloadAwsAccess) -> [String: String] {
        let roleArn = resource.status?.roleArn ?? RoleNaming.roleArn(
            partition: context.partition, accountId: context.accountId,
            path: RoleNaming.rolePath(for: resource, defaultPath: context.rolePath),
            name: RoleNaming.roleName(for: resource, clusterName: context.clusterName))
        return ServiceAccountAnnotations.render(spec: resource.spec, roleArn: roleArn)
    }

    private static func message(_ error: AWSClientError, action: String, target: String) -> String {
        if error.isDeleteConflict {
            return "\(target) cannot be deleted yet: IAM \(action) answered DeleteConflict (something still attached to it); the operator retries with backoff"
        }
        return "cleanup of \(target) is blocked: " + AWSFailureReport.message(error, action: action, target: target)
    }
}
