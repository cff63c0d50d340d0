import KubeModels

/// What the bulk drift pass (docs/design.md section 12) concludes for one converged resource from
/// its snapshot of IAM: nothing to do, or a reconcile that observes the role in full, because the
/// role differs, is no longer the resource's, or the snapshot cannot tell.
public enum DriftVerdict: Sendable, Equatable {
    /// The role matches in everything the snapshot shows.
    case inSync
    /// The role differs; never in description or maximum session duration, which the snapshot
    /// does not carry (`RoleDiff.roleAttributesChanged` is always false here).
    case drifted(RoleDiff)
    /// The role's ownership tags no longer name this resource: the per-role path decides whether
    /// that is a conflict or an adoption.
    case ownershipChanged(OwnershipDecision)
    /// The snapshot cannot decide; the per-role path must read the role.
    case undecidable(Undecidable)

    /// Why the snapshot cannot decide.
    public enum Undecidable: Sendable, Equatable {
        /// The role is not in the snapshot although the resource converged: deleted behind the
        /// operator's back, or created or renamed after its page was read.
        case missingFromSnapshot
        /// The operator observed or wrote the role after the snapshot began: the snapshot may
        /// show it from before, or halfway through, those writes.
        case changedSinceSnapshotBegan
        /// IAM answered a policy document that does not parse (the message says which).
        case unreadable(String)
        /// The resource no longer renders (the operator's settings changed since it converged):
        /// its reconcile reports why.
        case notRendered(String)
    }

    /// Whether the resource's next reconcile must observe IAM in full.
    public var needsFullObservation: Bool { self != .inSync }

    /// Short words for logs and the metric label: `drifted` or `undecidable` (nil when in sync).
    public var metricLabel: String? {
        switch self {
        case .inSync: nil
        case .drifted, .ownershipChanged: "drifted"
        case .undecidable: "undecidable"
        }
    }
}

/// A role as a bulk snapshot holds it for one resource.
public enum SnapshotRole: Sendable, Equatable {
    /// No role of that name was in the snapshot.
    case absent
    /// The role, its description and maximum session duration unknown (not read).
    case present(ObservedRole)
    /// The role's documents did not parse.
    case unreadable(String)
}

/// The bulk drift check for one resource: the same comparison the per-role path makes
/// (`RoleComparison`), minus what the snapshot does not carry (description and maximum session
/// duration: IAM's RoleDetail has neither, so the per-role path keeps them, on spec changes,
/// errors, first reconciles and every reconcile the pass asks for). In two steps, because a pass
/// compares each role as its page arrives but learns only at the end which roles the operator
/// itself touched meanwhile.
public enum BulkDriftCheck {
    /// What the snapshot alone says about the resource's role.
    public static func compare(
        desired: DesiredRole, owner: OwnerIdentity, snapshot: SnapshotRole, adoptionPolicy: AdoptionPolicy, adoptableRoleNames: [String]
    ) -> DriftVerdict {
        switch snapshot {
        case .absent:
            return .undecidable(.missingFromSnapshot)
        case .unreadable(let message):
            return .undecidable(.unreadable(message))
        case .present(let observed):
            let comparison = RoleComparison(
                desired: desired, observed: observed, owner: owner, adoptionPolicy: adoptionPolicy, adoptableRoleNames: adoptableRoleNames)
            guard comparison.decision == .owned else { return .ownershipChanged(comparison.decision) }
            var diff = comparison.differences(from: observed)
            diff.roleAttributesChanged = false
            return diff.isEmpty ? .inSync : .drifted(diff)
        }
    }

    /// The verdict once the pass knows whether the operator observed or wrote the role after the
    /// snapshot began (then the snapshot cannot decide, whatever it showed).
    public static func settle(_ compared: DriftVerdict, changedSinceSnapshotBegan: Bool) -> DriftVerdict {
        changedSinceSnapshotBegan ? .undecidable(.changedSinceSnapshotBegan) : compared
    }

    /// Both steps at once.
    public static func verdict(
        desired: DesiredRole, owner: OwnerIdentity, snapshot: SnapshotRole, changedSinceSnapshotBegan: Bool,
        adoptionPolicy: AdoptionPolicy, adoptableRoleNames: [String]
    ) -> DriftVerdict {
        settle(
            compare(desired: desired, owner: owner, snapshot: snapshot, adoptionPolicy: adoptionPolicy, adoptableRoleNames: adoptableRoleNames),
            changedSinceSnapshotBegan: changedSinceSnapshotBegan)
    }
}
