import KubeModels

/// kstatus's two abnormal-true conditions for one reconcile outcome: `Reconciling` (the operator
/// still has work in flight and will retry by itself) and `Stalled` (a blocker only a person can
/// lift). Flux, `kubectl wait` and Argo CD read them to tell a slow resource from a stuck one.
///
/// When one does not apply it is written with status False rather than left out: kstatus acts
/// only on True, so False means the same to it, while a present condition carries the
/// generation it was judged at (`observedGeneration`), its `lastTransitionTime` records when
/// the resource stopped being stalled, and `kubectl wait --for=condition=Stalled=False` works.
/// Never both True: kstatus reads `Reconciling=True` first and would call a stuck resource slow.
/// A new generation is not marked Reconciling by an extra write before the work starts: status
/// `observedGeneration` (and each condition's) below `metadata.generation` already tells kstatus
/// and `kubectl wait` that it is in progress, and the write it would cost doubles status traffic.
public enum ProgressConditions {
    /// One condition's target: status, reason and message (the time is set by `ConditionUpdate`).
    public struct Target: Sendable, Equatable {
        public var status: Condition.Status
        public var reason: String
        public var message: String
    }

    /// `Reconciling` and `Stalled` for `outcome`; the reason is always the outcome's own.
    public static func targets(for outcome: ReconcileOutcome) -> (reconciling: Target, stalled: Target) {
        switch outcome {
        case .converged:
            let reason = ConditionReason.converged.rawValue
            return (
                Target(status: .false, reason: reason, message: "nothing in flight: the resource is converged"),
                Target(status: .false, reason: reason, message: "nothing blocks the resource"))
        case .blocked(_, let reason, let message) where reason.isLiftedOnlyByAPerson:
            return (
                Target(status: .false, reason: reason.rawValue, message: "not retrying until a person acts: \(message)"),
                Target(status: .true, reason: reason.rawValue, message: message))
        case .blocked(_, let reason, let message):
            return retrying(reason, message)
        case .deleting(let message):
            return retrying(.deleting, message)
        case .deletionBlocked(let message):
            return retrying(.deletionBlocked, message)
        }
    }

    private static func retrying(_ reason: ConditionReason, _ message: String) -> (reconciling: Target, stalled: Target) {
        (
            Target(status: .true, reason: reason.rawValue, message: message),
            Target(status: .false, reason: reason.rawValue, message: "the operator retries by itself; nothing needs a person yet"))
    }
}
