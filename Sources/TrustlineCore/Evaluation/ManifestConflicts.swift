/// Checks the resources of one set of manifests against each other, as the cluster would see
/// them after one apply: a resource defined twice, two resources annotating one ServiceAccount
/// (the operator leaves the younger with `ServiceAccountConflict`; manifests carry no
/// creationTimestamp, so document order stands in for age), and two resources on one IAM role
/// name (IAM compares names ignoring case; one of them would be left with `RoleConflict`).
public enum ManifestConflicts {
    /// What one planned resource claims. `source` names its file and document for messages.
    public struct Claim: Sendable, Equatable {
        public var source: String
        public var namespace: String
        public var name: String
        public var serviceAccountName: String
        public var roleName: String

        public init(source: String, namespace: String, name: String, serviceAccountName: String, roleName: String) {
            self.source = source
            self.namespace = namespace
            self.name = name
            self.serviceAccountName = serviceAccountName
            self.roleName = roleName
        }
    }

    /// One problem per later claim that clashes with an earlier one, with the later claim's index.
    public static func find(_ claims: [Claim]) -> [(index: Int, problem: DocumentProblem)] {
        var found: [(index: Int, problem: DocumentProblem)] = []
        var firstResource: [String: Int] = [:]
        var firstServiceAccount: [String: Int] = [:]
        var firstRole: [String: Int] = [:]
        for (index, claim) in claims.enumerated() {
            let resourceKey = "\(claim.namespace)/\(claim.name)"
            if let earlier = firstResource[resourceKey] {
                found.append((index, .error(
                    field: "metadata.name",
                    "\(resourceKey) is defined again (first in \(claims[earlier].source)); the later document overwrites the earlier one on apply; keep one of them")))
                continue
            }
            firstResource[resourceKey] = index
            let accountKey = "\(claim.namespace)/\(claim.serviceAccountName)"
            if let earlier = firstServiceAccount[accountKey] {
                let other = claims[earlier]
                found.append((index, .error(
                    field: "spec.serviceAccount.name",
                    "ServiceAccount \(accountKey) is also claimed by \(other.namespace)/\(other.name) (\(other.source)), which comes first; the operator would leave this resource with ServiceAccountConflict; give each resource its own ServiceAccount")))
            } else {
                firstServiceAccount[accountKey] = index
            }
            let roleKey = claim.roleName.lowercased()
            if let earlier = firstRole[roleKey] {
                let other = claims[earlier]
                found.append((index, .error(
                    field: "spec.role.name",
                    "IAM role \"\(claim.roleName)\" is also the role of \(other.namespace)/\(other.name) (\(other.source)) (IAM compares role names ignoring case); one of them would be left with RoleConflict; set a distinct spec.role.name")))
            } else {
                firstRole[roleKey] = index
            }
        }
        return found
    }
}
