import KubeModels

/// Adoption by name (docs/design.md section 3, `adoptableRoleNames`): the way over from eksctl or
/// Terraform without changing the role ARN that bucket and key policies name. A role with no
/// Trustline tags at all, named explicitly by `spec.role.name` and matching one of the globs for
/// the resource's namespace, is taken over in place. Pure: `OwnershipCheck` asks `isAdoptable`,
/// `RoleConvergence` keeps the role's path and reports what went.
public enum RoleAdoption {
    /// Marks a role the operator adopted by name: its path is its own (IAM cannot move a role to
    /// another path), so it is kept instead of recreating the role under the role path.
    public static let adoptedTag = "trustline.dev/adopted"
    /// The placeholder a glob may hold, replaced with the resource's namespace.
    public static let namespacePlaceholder = "${namespace}"

    /// Whether `roleName` matches one of `patterns` for `namespace`. Role names compare
    /// case-insensitively, as IAM keeps them unique.
    public static func matches(roleName: String, namespace: String, patterns: [String]) -> Bool {
        patterns.contains { pattern in
            let concrete = pattern.replacing(namespacePlaceholder, with: namespace)
            return Glob.matches(concrete, roleName, caseInsensitive: true)
        }
    }

    /// Why `pattern` cannot be an `adoptableRoleNames` entry, or nil when it can: role name
    /// characters, the globs `*` and `?`, and only the `${namespace}` placeholder.
    public static func problem(_ pattern: String) -> String? {
        let withoutPlaceholder = pattern.replacing(namespacePlaceholder, with: "ns")
        if pattern.isEmpty {
            return "an empty glob adopts nothing; remove it"
        }
        if withoutPlaceholder.contains("${") {
            return "\"\(pattern)\" holds a placeholder other than ${namespace}, the only one there is"
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-*?".unicodeScalars)
        if let bad = withoutPlaceholder.unicodeScalars.first(where: { !allowed.contains($0) }) {
            return "\"\(pattern)\" holds \"\(bad)\", which no IAM role name has; write a role-name glob like eksctl-${namespace}-*"
        }
        return nil
    }

    /// The statements of the old trust policy that the desired one does not have, each described
    /// by its effect, principal and actions: what the `AdoptedRole` event says went.
    public static func removedTrustStatements(observed: JSONValue, desired: JSONValue) -> [String] {
        let kept = statements(of: desired).map { PolicyCanonicalizer.canonical($0) }
        return statements(of: observed).filter { !kept.contains(PolicyCanonicalizer.canonical($0)) }.map(describe)
    }

    private static func statements(of document: JSONValue) -> [JSONValue] {
        guard case .object(let members) = document, let statement = members["Statement"] else { return [] }
        if case .array(let list) = statement { return list }
        return [statement]
    }

    private static func describe(_ statement: JSONValue) -> String {
        guard case .object(let members) = statement else { return CompactJSON.serialize(statement) }
        let effect = members["Effect"].map(text) ?? "?"
        let action = members["Action"].map(text) ?? "?"
        let principal = members["Principal"].map(text) ?? "?"
        return "\(effect) \(action) for \(principal)"
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .array(let items): return items.map(text).joined(separator: ",")
        case .object(let members): return members.keys.sorted().map { "\($0) \(text(members[$0] ?? .null))" }.joined(separator: "; ")
        default: return CompactJSON.serialize(value)
        }
    }

    /// Whether `observed` keeps its own path: a role being adopted by name, or one adopted before
    /// (it carries `adoptedTag`). IAM cannot move a role to another path, and an
    /// adopted role is never recreated: bucket and key policies name its ARN.
    public static func keepsItsPath(_ observed: ObservedRole, decision: OwnershipDecision) -> Bool {
        switch decision {
        case .owned, .adoptable:
            return observed.tag(adoptedTag) != nil || isUntagged(observed)
        case .absent, .foreign:
            return false
        }
    }

    /// The desired role converged in place on `observed`: its path and ARN, and the adopted tag
    /// that keeps them so on every later reconcile. Adoption by name converges trust, policies
    /// and attributes in the planner's usual order (permissions removed before the trust
    /// changes) and adds the ownership tags last: until the very last call the role is still not
    /// ours, so a crash midway leaves a role that is adopted by name again on the next reconcile,
    /// and that neither cleanup nor the orphan sweep would delete meanwhile.
    public static func inPlace(_ desired: DesiredRole, keeping observed: ObservedRole) -> DesiredRole {
        var inPlace = desired
        inPlace.path = observed.path
        inPlace.arn = observed.arn
        inPlace.tags[adoptedTag] = "true"
        return inPlace
    }

    /// A role with none of the four ownership tags.
    public static func isUntagged(_ observed: ObservedRole) -> Bool {
        OwnershipTags.keys.allSatisfy { observed.tag($0) == nil }
    }
}
