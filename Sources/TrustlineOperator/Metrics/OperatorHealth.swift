import Synchronization

/// What `/healthz` and `/readyz` answer. Live while the process runs its loops; ready once the
/// environment is resolved and the first list of resources arrived (a follower waiting for the
/// lease is ready too: it is healthy, just not leading), and while no watch is waiting out a
/// problem (a CRD not installed yet, RBAC denying a list): those keep the pod unready, not dead.
public final class OperatorHealth: Sendable {
    private struct State {
        var ready = false
        var problem: String?
        /// Per event source, what it is waiting out.
        var waiting: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var isReady: Bool { state.withLock { $0.ready && $0.problem == nil && $0.waiting.isEmpty } }
    /// Why the operator is not live, if it is not.
    public var problem: String? { state.withLock { $0.problem } }
    /// Why the operator is not ready, one line per cause, sorted; empty when it is ready.
    public var notReadyReasons: [String] {
        state.withLock { state in
            var reasons = state.waiting.keys.sorted().compactMap { source in state.waiting[source].map { "\(source): \($0)" } }
            if let problem = state.problem { reasons.insert(problem, at: 0) }
            if !state.ready && reasons.isEmpty { reasons.append("starting: the resource caches have not synced yet") }
            return state.ready && reasons.isEmpty ? [] : reasons
        }
    }

    public func markReady() { state.withLock { $0.ready = true } }
    /// The operator hit something it cannot recover from (an event source gave up).
    public func markFailed(_ problem: String) { state.withLock { $0.problem = problem } }
    /// `source` cannot list or watch for now (`message` says why and what to do): not ready.
    public func setWaiting(on source: String, _ message: String) { state.withLock { $0.waiting[source] = message } }
    /// `source` works again, or stopped.
    public func clearWaiting(on source: String) { _ = state.withLock { $0.waiting.removeValue(forKey: source) } }
}
