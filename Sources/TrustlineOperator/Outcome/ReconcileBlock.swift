import ControllerRuntime
import TrustlineCore

/// The first thing that stops a reconcile (docs/design.md section 4: "stopping at the first thing that
/// blocks"), with the condition it reports and how the work queue should retry it. Every step
/// throws this one type, convergence and cleanup alike, and the reconciler's `report` publishes
/// it; it lives below the steps (in `Outcome/`) so they can build it without depending on the
/// reconciler that calls them.
struct ReconcileBlock: Error, Sendable, Equatable {
    /// How the key is retried after the block is reported.
    enum Retry: Sendable, Equatable {
        /// Nothing changes until the object does: no retry, resync skips it.
        case afterObjectChanges
        /// Something outside the operator must change (a role, a provider, a ServiceAccount):
        /// look again after the reconciler's blocked-retry interval.
        case afterInterval
        /// A transient failure: retry with the key's exponential backoff.
        case withBackoff
    }

    /// Which work the block stops.
    enum Phase: Sendable, Equatable {
        /// Steps 1 to 7: reported as `.blocked` at `stage` with `reason`.
        case convergence
        /// Cleanup under the finalizer: reported as `DeletionBlocked` (docs/design.md section 4,
        /// "Deletion"), whatever `reason` says caused it (`AWSThrottled`, `AWSError`).
        case deletion
    }

    var stage: ReconcileStage
    /// The cause in the condition vocabulary; what Ready reads while converging.
    var reason: ConditionReason
    var message: String
    var retry: Retry
    /// Whether to publish the block in status and events; false for short-lived IAM eventual
    /// consistency right after our own create, which the next attempt resolves.
    var reportsStatus: Bool = true
    var phase: Phase = .convergence

    var outcome: ReconcileOutcome {
        switch phase {
        case .convergence: .blocked(stage: stage, reason: reason, message: message)
        case .deletion: .deletionBlocked(message: message)
        }
    }

    /// What the work queue does with the key: `blockedRetryInterval` is how long to wait for an
    /// outside change (`Retry.afterInterval`).
    func result(blockedRetryInterval: Duration) -> ReconcileResult {
        switch retry {
        case .afterObjectChanges: .terminalError(message)
        case .afterInterval: .requeue(after: blockedRetryInterval)
        case .withBackoff: .transientError(message)
        }
    }

    /// This block as one that holds a deletion, with `message` saying what it stopped.
    func stoppingDeletion(message: String) -> ReconcileBlock {
        var block = self
        block.phase = .deletion
        block.message = message
        return block
    }
}
