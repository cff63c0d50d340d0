import Foundation
import Logging
import Synchronization

/// Runs a `LeaderElectionState` against a `LeaseStore`: acquires and renews the Lease every
/// `retryPeriod`, calls `onStartedLeading` / `onStoppedLeading` on each change, and on
/// `stop` (or cancellation) hands the lease back so a successor takes over at once.
/// Callbacks run on the election loop, so they must return promptly (start or stop work, don't
/// run it). The store must honour task cancellation: a renewal still hanging at `renewDeadline`
/// is cancelled and counts as failed.
public final class LeaderElector: Sendable {
    public typealias Callback = @Sendable () async -> Void

    private struct State {
        var machine: LeaderElectionState
        var random: SeededGenerator
        var loop: Task<Void, Never>?
        var stopRequested = false
        /// Failed attempts since the last successful write: the first of a run is a warning.
        var failuresInARow = 0
    }

    private struct DeadlineExceeded: Error {}

    public let configuration: LeaderElectionConfiguration
    private let store: any LeaseStore
    private let clock: any RuntimeClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let onStartedLeading: Callback
    private let onStoppedLeading: Callback
    private let state: Mutex<State>

    public init(
        configuration: LeaderElectionConfiguration,
        store: any LeaseStore,
        clock: any RuntimeClock = SystemClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        random: SeededGenerator = SeededGenerator(),
        logger: Logger = Logger(label: "trustline.leader-election"),
        onStartedLeading: @escaping Callback,
        onStoppedLeading: @escaping Callback
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
        self.onStartedLeading = onStartedLeading
        self.onStoppedLeading = onStoppedLeading
        state = Mutex(State(machine: LeaderElectionState(configuration: configuration), random: random))
    }

    /// Whether this candidate currently leads.
    public var isLeader: Bool { state.withLock { $0.machine.isLeader } }

    /// Campaigns until `stop` or cancellation, then releases the lease if held and calls
    /// `onStoppedLeading`. After losing leadership it keeps campaigning as a follower.
    public func run() async {
        let loop = Task { await self.campaign() }
        let alreadyStopped = state.withLock { state -> Bool in
            state.loop = loop
            return state.stopRequested
        }
        if alreadyStopped { loop.cancel() }
        await withTaskCancellationHandler {
            await loop.value
        } onCancel: {
            loop.cancel()
        }
        // Release in a fresh task: the caller may be cancelled, the release must still be sent.
        await Task { await self.releaseIfLeading() }.value
    }

    /// Stops campaigning; `run` returns after releasing the lease.
    public func stop() {
        let loop = state.withLock { state -> Task<Void, Never>? in
            state.stopRequested = true
            return state.loop
        }
        loop?.cancel()
    }

    // MARK: Internals

    private func campaign() async {
        while !Task.isCancelled {
            let outcome = await attempt()
            switch outcome {
            case .startedLeading:
                logger.info("became leader")
                await onStartedLeading()
            case .lostLeadership:
                logger.warning("lost leadership")
                await onStoppedLeading()
            case .renewed, .retry:
                break
            }
            let pause = state.withLock { state -> Duration in
                guard !state.machine.isLeader else { return configuration.retryPeriod }
                // Followers spread their attempts (client-go's jitter factor 1.2).
                return configuration.retryPeriod * (1 + Double.random(in: 0...0.2, using: &state.random))
            }
            do {
                try await clock.sleep(for: pause)
            } catch {
                return
            }
        }
    }

    /// One read, decide, write round.
    private func attempt() async -> LeaderElectionState.Outcome {
        let deadline = state.withLock { $0.machine.renewDeadline }
        do {
            let current = try await withDeadline(deadline) { try await self.store.get() }
            let now = clock.now
            let action = state.withLock { $0.machine.observe(current, now: now, wallTime: wallClock()) }
            let stored: LeaseRecord
            switch action {
            case let .create(record):
                stored = try await withDeadline(deadline) { try await self.store.create(record) }
            case let .acquire(record), let .renew(record):
                stored = try await withDeadline(deadline) { try await self.store.update(record) }
            case let .standBy(until):
                return .retry(at: until)
            case .lostLeadership:
                return .lostLeadership
            }
            let after = clock.now
            return state.withLock { state in
                state.failuresInARow = 0
                return state.machine.writeSucceeded(stored, now: after)
            }
        } catch {
            if Task.isCancelled && !(error is DeadlineExceeded) {
                return .retry(at: clock.now)
            }
            let now = clock.now
            let (outcome, failures) = state.withLock { state in
                state.failuresInARow += 1
                return (state.machine.attemptFailed(now: now), state.failuresInARow)
            }
            // The first failure of a run is visible at the default level (a Lease the operator
            // may not read or write, say); repeats stay at debug.
            logger.log(
                level: failures == 1 ? .warning : .debug, "lease attempt failed",
                metadata: ["error": "\(error)"])
            return outcome
        }
    }

    /// Runs `operation`, cancelling it and throwing when `deadline` (if any) passes first.
    private func withDeadline<T: Sendable>(
        _ deadline: ContinuousClock.Instant?, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let deadline else { return try await operation() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask { [clock] in
                try await clock.sleep(until: deadline)
                throw DeadlineExceeded()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw DeadlineExceeded() }
            return first
        }
    }

    private func releaseIfLeading() async {
        let (record, wasLeader) = state.withLock { state -> (LeaseRecord?, Bool) in
            let wasLeader = state.machine.isLeader
            return (state.machine.release(wallTime: wallClock()), wasLeader)
        }
        guard wasLeader else { return }
        if let record {
            do {
                _ = try await store.update(record)
                logger.info("released the lease")
            } catch {
                logger.warning("could not release the lease; it expires on its own", metadata: ["error": "\(error)"])
            }
        }
        await onStoppedLeading()
    }
}
