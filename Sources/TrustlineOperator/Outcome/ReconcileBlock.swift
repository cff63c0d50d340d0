import TrustlineCore

/// The first thing that stops a reconcile (docs/design.md section 4: "stopping at the first thing that
/// blocks"), with the condition it reports and how the work queue should retry it.
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

    var stage: ReconcileStage
    var reason: ConditionReason
    var message: String
    var retry: Retry
    /// Whether to publish the block in status and events; false for short-lived IAM eventual
    /// consistency right after our own create, which the next attempt resolves.
    var reportsStatus: Bool = true

    var outcome: ReconcileOutcome {
        .blocked(stage: stage, reason: reason, message: message)
    }
}
