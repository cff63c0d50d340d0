import KubeModels

/// The differences between the desired and the observed role, field by field. The planner turns
/// it into calls; the reconciler uses it to name what drift was corrected.
public struct RoleDiff: Sendable, Equatable {
    /// How the permissions boundary must change.
    public enum BoundaryChange: Sendable, Equatable {
        case set(String)
        case remove
    }

    /// The role does not exist.
    public var roleMissing: Bool = false
    /// The role exists at another path; IAM cannot move a role, so it must be recreated.
    public var pathChanged: Bool = false
    public var trustPolicyChanged: Bool = false
    /// Description or max session duration differ (one UpdateRole call sets both).
    public var roleAttributesChanged: Bool = false
    public var boundary: BoundaryChange?
    /// Inline policies missing or different, sorted by name.
    public var inlinePoliciesToPut: [String] = []
    /// Inline policies present but not desired, sorted by name.
    public var inlinePoliciesToDelete: [String] = []
    public var managedPoliciesToAttach: [String] = []
    public var managedPoliciesToDetach: [String] = []
    /// Tags missing or with another value, keyed as desired.
    public var tagsToSet: [String: String] = [:]
    /// Observed tag keys (as IAM spells them) that are not desired, compared case-insensitively.
    public var tagKeysToRemove: [String] = []

    public init() {}

    /// No difference: a reconcile makes no IAM write.
    public var isEmpty: Bool { self == RoleDiff() }

    /// Compares semantically: policies by canonical form, tag keys case-insensitively, a missing
    /// description as empty.
    public static func compute(desired: DesiredRole, observed: ObservedRole?) -> RoleDiff {
        var diff = RoleDiff()
        guard let observed else {
            diff.roleMissing = true
            return diff
        }
        diff.pathChanged = observed.path != desired.path
        diff.trustPolicyChanged = !PolicyCanonicalizer.equivalent(desired.trustPolicy, observed.trustPolicy)
        diff.roleAttributesChanged = (observed.description ?? "") != desired.description || observed.maxSessionDuration != desired.maxSessionDuration
        switch (desired.permissionsBoundaryArn, observed.permissionsBoundaryArn) {
        case (let wanted?, let present) where wanted != present: diff.boundary = .set(wanted)
        case (nil, _?): diff.boundary = .remove
        default: break
        }
        diff.inlinePoliciesToPut = desired.inlinePolicies.keys.filter { name in
            guard let present = observed.inlinePolicies[name], let wanted = desired.inlinePolicies[name] else { return true }
            return !PolicyCanonicalizer.equivalent(wanted, present)
        }.sorted()
        diff.inlinePoliciesToDelete = observed.inlinePolicies.keys.filter { desired.inlinePolicies[$0] == nil }.sorted()
        diff.managedPoliciesToAttach = desired.managedPolicyArns.subtracting(observed.attachedManagedPolicyArns).sorted()
        diff.managedPoliciesToDetach = observed.attachedManagedPolicyArns.subtracting(desired.managedPolicyArns).sorted()
        let desiredLowered = Set(desired.tags.keys.map { $0.lowercased() })
        for (key, value) in desired.tags where observed.tag(key) != value {
            diff.tagsToSet[key] = value
        }
        diff.tagKeysToRemove = observed.tags.keys.filter { !desiredLowered.contains($0.lowercased()) }.sorted()
        return diff
    }

    /// Short phrases naming each difference, for `DriftCorrected` events and logs.
    public var descriptions: [String] {
        var lines: [String] = []
        if roleMissing { lines.append("role missing") }
        if pathChanged { lines.append("role path") }
        if trustPolicyChanged { lines.append("trust policy") }
        if roleAttributesChanged { lines.append("description or max session duration") }
        switch boundary {
        case .set(let arn)?: lines.append("permissions boundary \(arn)")
        case .remove?: lines.append("extra permissions boundary")
        case nil: break
        }
        lines += inlinePoliciesToPut.map { "inline policy \($0)" }
        lines += inlinePoliciesToDelete.map { "extra inline policy \($0)" }
        lines += managedPoliciesToAttach.map { "managed policy \($0)" }
        lines += managedPoliciesToDetach.map { "extra managed policy \($0)" }
        lines += tagsToSet.keys.sorted().map { "tag \($0)" }
        lines += tagKeysToRemove.map { "extra tag \($0)" }
        return lines
    }
}

extension RoleDiff {
    /// The message of a `DriftCorrected` event: what was put back on which role; `nil` when
    /// nothing differed (then there is no event).
    public func driftMessage(roleName: String) -> String? {
        let parts = descriptions
        guard !parts.isEmpty else { return nil }
        return "corrected drift on role \(roleName): " + parts.joined(separator: ", ")
    }
}
