/// Who a resource is, as the ownership tags record it.
public struct OwnerIdentity: Sendable, Equatable, Hashable, Encodable {
    public var clusterName: String
    public var namespace: String
    public var name: String
    public var uid: String

    public init(clusterName: String, namespace: String, name: String, uid: String) {
        self.clusterName = clusterName
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }
}

/// Whether the operator may write an existing role (docs/design.md section 4 step 4 and `adoptionPolicy`).
public enum OwnershipDecision: Sendable, Equatable {
    /// No role of that name: create it.
    case absent
    /// All four ownership tags match: ours to converge and delete.
    case owned
    /// `TaggedOnly` lets us take it over: cluster, namespace and name tags match, the uid tag is
    /// missing or another uid (e.g. the resource was deleted with Retain and created again).
    /// Converging it rewrites the uid tag, after which it is `owned`. Also an untagged role that
    /// `adoptableRoleNames` lets this resource adopt (`previousUid` nil; see `RoleAdoption`).
    case adoptable(previousUid: String?)
    /// Someone else's: never written, never deleted. Reason `RoleConflict`; `message` says why.
    case foreign(message: String)

    /// Whether the operator may write the role (create, converge or delete).
    public var mayWrite: Bool {
        switch self {
        case .absent, .owned, .adoptable: return true
        case .foreign: return false
        }
    }
}

/// Decides ownership from the role's tags. Tag keys compare case-insensitively as IAM's do;
/// values compare exactly.
///
/// Reading of `TaggedOnly`: adoption needs positive evidence that the role was made for this very
/// resource by this operator (the cluster, namespace and name tags), so an untagged or
/// differently-tagged role is never adopted; only the uid, which changes when a resource is
/// recreated, may differ or be missing. With `Never`, any uid mismatch is a conflict.
///
/// Adoption by name is the one exception for untagged roles: a role with none of the four tags,
/// named explicitly by `spec.role.name` (`namedInSpec`) and matching one of `adoptableRoleNames`
/// for the resource's namespace (`RoleAdoption`). A role carrying any ownership tag is decided by
/// the tags alone, so one tagged for another cluster, namespace or uid is never adopted by name.
public enum OwnershipCheck {
    public static func decide(
        observed: ObservedRole?, owner: OwnerIdentity, adoptionPolicy: AdoptionPolicy,
        adoptableRoleNames: [String] = [], namedInSpec: Bool = false
    ) -> OwnershipDecision {
        guard let observed else { return .absent }
        let cluster = observed.tag(OwnershipTags.cluster)
        let namespace = observed.tag(OwnershipTags.namespace)
        let name = observed.tag(OwnershipTags.name)
        let uid = observed.tag(OwnershipTags.uid)
        let roleName = observed.name
        if cluster == nil && namespace == nil && name == nil && uid == nil {
            if namedInSpec, RoleAdoption.matches(roleName: roleName, namespace: owner.namespace, patterns: adoptableRoleNames) {
                return .adoptable(previousUid: nil)
            }
            if namedInSpec, !adoptableRoleNames.isEmpty {
                return .foreign(message: "role \(roleName) exists without Trustline's ownership tags and matches no adoptableRoleNames glob for namespace \(owner.namespace); it is left untouched: pick another spec.role.name, or ask the operator's administrator to add a glob for it")
            }
            return .foreign(message: "role \(roleName) exists without Trustline's ownership tags; it was not made by Trustline and is left untouched: pick another spec.role.name or delete the role yourself")
        }
        let sameResource = cluster == owner.clusterName && namespace == owner.namespace && name == owner.name
        if sameResource && uid == owner.uid && !owner.uid.isEmpty {
            return .owned
        }
        if !sameResource {
            let holder = "\(cluster ?? "?")/\(namespace ?? "?")/\(name ?? "?")"
            return .foreign(message: "role \(roleName) belongs to \(holder) (cluster/namespace/name tags), not to \(owner.clusterName)/\(owner.namespace)/\(owner.name); it is left untouched: pick another spec.role.name")
        }
        switch adoptionPolicy {
        case .taggedOnly:
            return .adoptable(previousUid: uid)
        case .never:
            let tagged = uid.flatMap { $0.isEmpty ? nil : $0 } ?? "none"
            guard !owner.uid.isEmpty else {
                return .foreign(message: "role \(roleName) is tagged for this resource (uid \(tagged)), but this resource has no uid yet, so ownership cannot be proven; apply the resource and let the operator decide")
            }
            return .foreign(message: "role \(roleName) is tagged for this resource but with uid \(tagged) instead of \(owner.uid); it was made for an earlier resource of the same name. Delete the role, or run the operator with adoptionPolicy TaggedOnly to adopt it")
        }
    }
}
