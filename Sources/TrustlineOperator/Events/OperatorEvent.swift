import KubeModels

/// One thing the operator tells users about a resource (`kubectl describe`, `kubectl events`):
/// a Warning naming what blocks, or a Normal note of what was done (`Converged`, `DriftCorrected`).
public struct OperatorEvent: Sendable, Equatable, Hashable {
    public var type: Event.EventType
    /// UpperCamelCase, e.g. `GuardrailViolation`, `DriftCorrected`.
    public var reason: String
    /// Human-readable; cut to 1 kB when written.
    public var note: String
    /// What the operator did or tried, e.g. `Reconcile`, `Delete`.
    public var action: String

    public init(type: Event.EventType, reason: String, note: String, action: String = "Reconcile") {
        self.type = type
        self.reason = reason
        self.note = note
        self.action = action
    }

    public static func normal(_ reason: String, _ note: String, action: String = "Reconcile") -> OperatorEvent {
        OperatorEvent(type: .normal, reason: reason, note: note, action: action)
    }

    public static func warning(_ reason: String, _ note: String, action: String = "Reconcile") -> OperatorEvent {
        OperatorEvent(type: .warning, reason: reason, note: note, action: action)
    }
}

/// Where the reconciler sends events. A protocol so the reconciler stays testable and the
/// Kubernetes-backed `KubernetesEventRecorder` can deduplicate and absorb write failures.
public protocol EventRecorder: Sendable {
    /// Records `event` about the object `regarding` points at. Never throws: an event that cannot
    /// be written must not fail a reconcile.
    func record(_ event: OperatorEvent, regarding: ObjectReference) async
}
