import AWSClients
import KubeModels
import Logging
import TrustlineCore

/// Steps 3 to 5 of docs/design.md section 4 for one resource: observe the role, decide ownership, plan
/// the fewest IAM calls with core's `RolePlanner` and execute them. Concurrent operators are
/// tolerated: EntityAlreadyExists on create leads to observing again and converging what is
/// there, when it turns out to be ours.
///
/// A resource seen for the first time (see `RoleExpectation.noRoleYet`) skips the first
/// observation and plans against "no role": CreateRole carries everything it can, so a new
/// resource costs exactly the creation plan's calls. Safety does not depend on the guess: a role
/// that exists after all makes CreateRole fail with EntityAlreadyExists before anything is
/// written, and the next round observes it and runs the ownership check as usual. An explicit
/// `spec.role.name` other than the derived one is always observed first (see `isDerivedName`).
struct RoleConvergence: Sendable {
    /// What converging changed.
    struct Result: Sendable {
        /// The role's ARN as IAM reports it (the rendered one when it was just created).
        var roleArn: String
        /// The IAM calls made, in order.
        var actions: [IAMAction]
        /// What differed before the first plan, as core names it (for `DriftCorrected`).
        var differences: [String]
        /// Set when this converge adopted an untagged role by name (for `AdoptedRole`).
        var adoption: Adoption?
    }

    /// What adopting a role by name changed, for the `AdoptedRole` event.
    struct Adoption: Sendable, Equatable {
        /// The old trust policy's statements that went, described by `RoleAdoption`.
        var removedTrustStatements: [String]
        /// Every difference the adoption converged, as core names it.
        var differences: [String]
    }

    /// What the reconciler knows about the role before asking IAM.
    enum RoleExpectation: Sendable, Equatable {
        /// Nothing: observe it first.
        case unknown
        /// The resource was never reconciled before: this reconcile added its finalizer (so no
        /// earlier reconcile got as far as IAM) and its status names no role. The role is most
        /// likely absent, so the first round creates it without observing.
        case noRoleYet
    }

    /// How often a create that raced with another writer is re-observed before giving up for now.
    static let maximumRaceRounds = 3

    let iam: any IAMAPI
    let adoptionPolicy: AdoptionPolicy
    /// Globs of untagged roles a resource may adopt by `spec.role.name` (`RoleAdoption`).
    var adoptableRoleNames: [String] = []

    func converge(_ rendered: RenderedAccess, expecting expectation: RoleExpectation = .unknown, logger: Logger) async throws(ReconcileBlock) -> Result {
        var desired = rendered.role
        var performed: [IAMAction] = []
        var differences: [String]?
        var createdRole = false
        var adoption: Adoption?
        for round in 0..<Self.maximumRaceRounds {
            let guessed = round == 0 && expectation == .noRoleYet && RoleNaming.isDerivedName(desired.name, for: rendered.owner)
            let observed: ObservedRole? = if guessed { nil } else { try await observe(desired.name) }
            let comparison = RoleComparison(
                desired: rendered.role, observed: observed, owner: rendered.owner, adoptionPolicy: adoptionPolicy,
                adoptableRoleNames: adoptableRoleNames)
            let decision = comparison.decision
            if case .foreign(let message) = decision {
                throw ReconcileBlock(stage: .role, reason: .roleConflict, message: message, retry: .afterInterval)
            }
            if case .adoptable(let previousUid) = decision {
                logger.notice("adopting role tagged for this resource", metadata: [
                    "role": "\(desired.name)", "previousUid": "\(previousUid ?? "none")",
                ])
            }
            desired = comparison.desired
            if let observed, case .adoptable(previousUid: nil) = decision, RoleAdoption.isUntagged(observed) {
                logger.notice("adopting untagged role by name (adoptableRoleNames)", metadata: ["role": "\(desired.name)", "path": "\(observed.path)"])
                adoption = Adoption(
                    removedTrustStatements: RoleAdoption.removedTrustStatements(observed: observed.trustPolicy, desired: desired.trustPolicy),
                    differences: comparison.differences(from: observed).descriptions)
            }
            let plan = RolePlanner.plan(desired: desired, observed: observed)
            if differences == nil, !guessed {
                differences = comparison.differences(from: observed).descriptions
            }
            let outcome = try await execute(plan, createdRole: &createdRole, performed: &performed, logger: logger)
            if outcome == .completed {
                return Result(roleArn: observed?.arn ?? desired.arn, actions: performed, differences: differences ?? [], adoption: adoption)
            }
        }
        throw ReconcileBlock(
            stage: .role, reason: .awsError,
            message: "role \(desired.name) kept changing while it was being created (EntityAlreadyExists \(Self.maximumRaceRounds) times); the operator retries with backoff",
            retry: .withBackoff)
    }

    private enum ExecutionOutcome { case completed, raced }

    private func execute(
        _ plan: [IAMAction], createdRole: inout Bool, performed: inout [IAMAction], logger: Logger
    ) async throws(ReconcileBlock) -> ExecutionOutcome {
        let executor = IAMActionExecutor(iam: iam)
        for action in plan {
            do {
                try await executor.perform(action)
                performed.append(action)
                if case .createRole = action { createdRole = true }
                logger.info("IAM \(action.apiName)", metadata: ["change": "\(action.summary)"])
            } catch {
                if case .createRole = action, error.isEntityAlreadyExists {
                    logger.info("role appeared while creating it; observing it again", metadata: ["role": "\(action.roleName)"])
                    return .raced
                }
                if error.isNoSuchEntity, IAMActionExecutor.isRemoval(action) {
                    performed.append(action)
                    continue
                }
                if error.isNoSuchEntity, createdRole {
                    // IAM is eventually consistent: the role we just created may not be visible yet.
                    throw ReconcileBlock(
                        stage: IAMActionExecutor.stage(of: action), reason: .awsError,
                        message: "IAM \(action.apiName) answered NoSuchEntity right after the role was created; retrying",
                        retry: .withBackoff, reportsStatus: false)
                }
                throw AWSFailureReport.block(
                    error, action: action.apiName, target: IAMActionExecutor.target(of: action),
                    stage: IAMActionExecutor.stage(of: action))
            }
        }
        return .completed
    }

    private func observe(_ roleName: String) async throws(ReconcileBlock) -> ObservedRole? {
        do {
            return try await IAMRoleObserver(iam: iam).observe(roleName: roleName)
        } catch {
            throw AWSFailureReport.block(error.error, action: error.action, target: "role \(roleName)", stage: .role)
        }
    }
}
