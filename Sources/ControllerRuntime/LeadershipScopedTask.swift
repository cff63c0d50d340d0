import Synchronization

/// Runs work only while this process leads: `start` (from `onStartedLeading`) launches a fresh
/// run of `work`; `stop` (from `onStoppedLeading`) cancels it and waits until it has returned, so
/// no reconcile outlives the lease. Build a new `Controller` inside `work` on each start: a
/// controller that was shut down does not restart.
public final class LeadershipScopedTask: Sendable {
    private let work: @Sendable () async -> Void
    private let current = Mutex<Task<Void, Never>?>(nil)

    public init(_ work: @escaping @Sendable () async -> Void) {
        self.work = work
    }

    /// Whether a run of `work` is in progress.
    public var isRunning: Bool { current.withLock { $0 != nil } }

    /// Launches `work` unless a run is already in progress.
    public func start() {
        current.withLock { current in
            guard current == nil else { return }
            current = Task { [work] in await work() }
        }
    }

    /// Cancels the current run, if any, and waits for it to return.
    public func stop() async {
        guard let task = current.withLock({ $0 }) else { return }
        task.cancel()
        await task.value
        current.withLock { current in
            if current == task { current = nil }
        }
    }
}
