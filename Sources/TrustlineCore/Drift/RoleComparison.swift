import KubeModels

/// How a resource's desired role compares with a role IAM holds: ownership first (docs/design.md
/// section 4 step 4), then the desired role in place on a role that keeps its own path (an
/// adopted one), then the field-by-field `RoleDiff`. The per-role reconcile (`RoleConvergence`)
/// and the bulk drift pass (`BulkDriftCheck`) both compare through here, so they cannot disagree.
public struct RoleComparison: Sendable, Equatable {
    public var decision: OwnershipDecision
    /// The desired role as it applies to the observed one (its path and ARN kept when adopted).
    public var desired: DesiredRole

    /// - Parameters:
    ///   - desired: the rendered role.
    ///   - observed: the role IAM holds; nil when absent.
    ///   - owner: the resource the ownership tags must name.
    public init(
        desired: DesiredRole, observed: ObservedRole?, owner: OwnerIdentity, adoptionPolicy: AdoptionPolicy, adoptableRoleNames: [String]
    ) {
        decision = OwnershipCheck.decide(
            observed: observed, owner: owner, adoptionPolicy: adoptionPolicy, adoptableRoleNames: adoptableRoleNames,
            namedInSpec: !RoleNaming.isDerivedName(desired.name, for: owner))
        if let observed, RoleAdoption.keepsItsPath(observed, decision: decision) {
            self.desired = RoleAdoption.inPlace(desired, keeping: observed)
        } else {
            self.desired = desired
        }
    }

    /// What differs between `desired` and `observed`, as the planner and `DriftCorrected` see it.
    public func differences(from observed: ObservedRole?) -> RoleDiff {
        RoleDiff.compute(desired: desired, observed: observed)
    }
}
