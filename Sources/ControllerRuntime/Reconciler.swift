import KubeModels

/// What one reconcile decided about its key; the controller turns it into queue operations.
public enum ReconcileResult: Sendable, Equatable {
    /// Converged: forget the key's failures; the next watch event or resync runs it again.
    case done
    /// Converged for now but run again after this delay (failures are forgotten).
    case requeue(after: Duration)
    /// Failed in a way that may pass (throttling, conflict, network): retry with the key's
    /// exponential backoff (5 ms .. 1000 s).
    case transientError(String)
    /// Failed in a way retrying cannot fix (an invalid spec): no retry, and periodic resync
    /// skips the key, until a watch event says the object changed.
    case terminalError(String)
}

/// Drives one object toward its desired state. Called with a key, never an object, so it reads
/// current state; never called twice at once for the same key.
public protocol Reconciler: Sendable {
    func reconcile(_ key: ObjectKey) async -> ReconcileResult
}

/// A reconciler made from a closure, for wiring and tests.
public struct ClosureReconciler: Reconciler {
    private let body: @Sendable (ObjectKey) async -> ReconcileResult

    public init(_ body: @escaping @Sendable (ObjectKey) async -> ReconcileResult) {
        self.body = body
    }

    public func reconcile(_ key: ObjectKey) async -> ReconcileResult {
        await body(key)
    }
}
