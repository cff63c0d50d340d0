import AWSClients
import Logging
import TrustlineCore

/// Marks the role a deletion with `deletionPolicy: Retain` keeps with `OwnershipTags.retained`,
/// so the orphan sweep (`OrphanRoleSweep`), which deletes roles whose resource is gone, leaves it
/// alone. One TagRole, only on a role whose ownership tags name this very resource and that is not
/// marked yet; the role's trust, policies and other tags are not touched.
struct RetainedRoleMarker: Sendable {
    let iam: any IAMAPI

    func mark(roleName: String, owner: OwnerIdentity, logger: Logger) async throws(OwnedRoleRemoval.Failure) {
        let observed: ObservedRole?
        do {
            observed = try await IAMRoleObserver(iam: iam).observe(roleName: roleName)
        } catch {
            throw OwnedRoleRemoval.Failure(action: error.action, error: error.error)
        }
        guard let observed, OwnershipCheck.decide(observed: observed, owner: owner, adoptionPolicy: .never) == .owned,
            observed.tag(OwnershipTags.retained) == nil
        else { return }
        do {
            try await iam.tagRole(roleName: roleName, tags: [IAMTag(key: OwnershipTags.retained, value: "true")])
            logger.info("IAM TagRole", metadata: ["change": "marked role \(roleName) as retained"])
        } catch where error.isNoSuchEntity {
            return
        } catch {
            throw OwnedRoleRemoval.Failure(action: "TagRole", error: error)
        }
    }
}
