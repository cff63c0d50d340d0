import AWSClients
import Foundation
import KubeModels
import Logging
import TrustlineCore

/// The orphan sweep: once per resync pass, over the roles under the role path the drift pass read
/// (`DriftPass`, whose snapshot carries every role's tags, so the sweep costs no read of its own), every
/// role whose ownership tags name this cluster but no resource the operator can see (its uid
/// belongs to no live resource) is deleted, and so is a role tagged for a live resource that now
/// names another role. That removes what a CreateRole that timed out and landed later, or renames
/// faster than status, left behind. A role must be older than the grace period first (a resource
/// just created may not be in the cache yet). A role without all four ownership tags, tagged for
/// another cluster, in a namespace this operator does not watch, or marked retained by a deletion
/// with `Retain` is never touched; each deletion observes the role again through
/// `OwnedRoleRemoval`. Run only by the leader, only with synced caches (the caller's duty).
struct OrphanRoleSweep: Sendable {
    let iam: any IAMAPI
    let clusterName: String
    /// Empty: every namespace.
    let watchNamespaces: [String]
    let gracePeriod: Duration
    let clock: any WallClock

    /// What one role gets.
    enum Verdict: Sendable, Equatable {
        /// Deleted as the resource `owner` names, which is gone or uses another role now.
        case delete(OwnerIdentity)
        /// Left alone, and why (for debug logs and tests).
        case keep(String)
    }

    /// What a pass did.
    struct Report: Sendable, Equatable {
        var examined = 0
        var deleted: [String] = []
    }

    /// Sweeps `roles` (the roles under the role path, from the drift pass's snapshot).
    func sweep(roles: [TaggedRole], live: LiveResources, logger: Logger) async throws(OwnedRoleRemoval.Failure) -> Report {
        var keysByUid: [String: ObjectKey] = [:]
        for key in live.keys {
            if let uid = live.resource(key)?.metadata.uid, !uid.isEmpty { keysByUid[uid] = key }
        }
        var report = Report()
        let now = clock.now
        for role in roles {
            report.examined += 1
            let decision = verdict(for: role, resourceWithUid: { uid in keysByUid[uid].flatMap(live.resource) }, now: now)
            switch decision {
            case .keep:
                continue
            case .delete(let owner):
                let outcome = try await OwnedRoleRemoval(iam: iam).remove(roleName: role.name, owner: owner, logger: logger)
                guard outcome == .deleted else { continue }
                report.deleted.append(role.name)
                logger.notice("orphan sweep deleted a role no live resource uses", metadata: [
                    "role": "\(role.name)", "owner": "\(owner.namespace)/\(owner.name)", "uid": "\(owner.uid)",
                    "created": "\(role.createDate)",
                ])
            }
        }
        return report
    }

    /// The decision for one listed role, given the live resources by uid.
    func verdict(for role: TaggedRole, live: [String: WorkloadAwsAccess], now: Date) -> Verdict {
        verdict(for: role, resourceWithUid: { live[$0] }, now: now)
    }

    /// The decision for one listed role, given a lookup of live resources by uid.
    func verdict(for role: TaggedRole, resourceWithUid: (String) -> WorkloadAwsAccess?, now: Date) -> Verdict {
        guard let owner = role.owner else { return .keep("not all ownership tags") }
        guard owner.clusterName == clusterName else { return .keep("tagged for cluster \(owner.clusterName)") }
        guard !role.retained else { return .keep("retained by a deletion with Retain") }
        guard watchNamespaces.isEmpty || watchNamespaces.contains(owner.namespace) else {
            return .keep("namespace \(owner.namespace) is not watched")
        }
        let age = now.timeIntervalSince(role.createDate)
        let grace = Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18
        guard age >= grace else { return .keep("younger than the grace period") }
        guard let resource = resourceWithUid(owner.uid) else { return .delete(owner) }
        guard resource.namespace == owner.namespace, resource.name == owner.name else {
            return .keep("uid tag names a live resource of another name")
        }
        let desired = RoleNaming.roleName(for: resource, clusterName: clusterName).lowercased()
        let recorded = (resource.status?.roleName ?? "").lowercased()
        if role.name.lowercased() == desired || role.name.lowercased() == recorded {
            return .keep("the role of a live resource")
        }
        return .delete(owner)
    }
}
