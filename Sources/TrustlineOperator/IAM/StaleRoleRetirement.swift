import AWSClients
import Foundation
import KubeModels
import Logging
import TrustlineCore

/// Deletes every role tagged for one resource except the one it uses now: access a user took
/// away by renaming `spec.role.name` (or by deleting the resource) goes away, even when renames
/// came faster than status could record them. Each deletion goes through `OwnedRoleRemoval`,
/// which observes the role again and deletes it only when all four ownership tags name this
/// very resource.
struct StaleRoleRetirement: Sendable {
    let iam: any IAMAPI

    /// Retires the roles under `pathPrefixes` tagged for `owner`, except `keeping` (compared
    /// case-insensitively, as IAM compares role names; nil keeps none). Returns the names deleted.
    func retire(
        owner: OwnerIdentity, keeping: String?, under pathPrefixes: Set<String>, createdSince: Date?, logger: Logger
    ) async throws(OwnedRoleRemoval.Failure) -> [String] {
        guard !owner.uid.isEmpty else { return [] }
        let inventory = TaggedRoleInventory(iam: iam)
        var deleted: [String] = []
        for prefix in pathPrefixes.sorted() {
            for role in try await inventory.roles(under: prefix, createdSince: createdSince) where role.owner == owner {
                if let keeping, role.name.lowercased() == keeping.lowercased() { continue }
                let outcome = try await OwnedRoleRemoval(iam: iam).remove(roleName: role.name, owner: owner, logger: logger)
                if outcome == .deleted {
                    logger.info("retired a role this resource no longer uses", metadata: ["role": "\(role.name)"])
                    deleted.append(role.name)
                }
            }
        }
        return deleted
    }
}

extension StaleRoleRetirement {
    /// How far IAM's clock may be behind the API server's: a role made right after a resource
    /// was created must not be skipped because of skew.
    static let clockSkewAllowance: TimeInterval = 15 * 60

    /// The earliest CreateDate a role of this resource can have: its creationTimestamp less the
    /// skew allowance; nil (list every role) when the timestamp is missing or unreadable.
    static func earliestCreation(of resource: WorkloadAwsAccess) -> Date? {
        guard let text = resource.metadata.creationTimestamp, let created = KubernetesTime.parse(text) else { return nil }
        return created.addingTimeInterval(-clockSkewAllowance)
    }
}
