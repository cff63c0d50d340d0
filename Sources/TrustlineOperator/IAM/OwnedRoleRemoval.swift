import AWSClients
import Logging
import TrustlineCore

/// Deletes a role only when its ownership tags name this very resource: detach managed
/// policies, delete inline policies, delete the role (core's deletion plan). A role that is absent
/// or someone else's is left alone; NoSuchEntity on any step counts as done. Used on deletion
/// with `Delete` and when a spec change retires the role a resource used before.
struct OwnedRoleRemoval: Sendable {
    /// The IAM call that failed.
    struct Failure: Error {
        var action: String
        var error: AWSClientError
    }

    /// What happened to the role.
    enum Outcome: Sendable, Equatable {
        case deleted
        case absent
        /// Not this resource's role: untouched.
        case leftAlone
    }

    let iam: any IAMAPI

    func remove(roleName: String, owner: OwnerIdentity, logger: Logger) async throws(Failure) -> Outcome {
        let observed: ObservedRole?
        do {
            observed = try await IAMRoleObserver(iam: iam).observe(roleName: roleName)
        } catch {
            throw Failure(action: error.action, error: error.error)
        }
        switch OwnershipCheck.decide(observed: observed, owner: owner, adoptionPolicy: .never) {
        case .absent:
            return .absent
        case .foreign, .adoptable:
            logger.notice("role is not this resource's; leaving it in IAM", metadata: ["role": "\(roleName)"])
            return .leftAlone
        case .owned:
            break
        }
        let executor = IAMActionExecutor(iam: iam)
        for action in RolePlanner.deletionPlan(observed: observed) {
            do {
                try await executor.perform(action)
                logger.info("IAM \(action.apiName)", metadata: ["change": "\(action.summary)"])
            } catch where error.isNoSuchEntity {
                continue
            } catch {
                throw Failure(action: action.apiName, error: error)
            }
        }
        return .deleted
    }
}
