import Synchronization

/// What `/healthz` and `/readyz` answer. Live while the process runs its loops; ready once the
/// environment is resolved and the first list of resources arrived (a follower waiting for the
/// lease is ready too: it is healthy, just not leading).
public final class OperatorHealth: Sendable {
    private struct State {
        var ready = false
        var problem: String?
    }

    private let state = Mutex(State())

    public init() {}

    public var isReady: Bool { state.withLock { $0.ready && $0.problem == nil } }
    /// Why the operator is not live, if it is not.
    public var problem: String? { state.withLock { $0.problem } }

    public func markReady() { state.withLock { $0.ready = true } }
    /// The operator hit something it cannot recover from (an event source gave up).
    public func markFailed(_ problem: String) { state.withLock { $0.problem = problem } }
}
