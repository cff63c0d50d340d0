import Foundation
import Logging
import Synchronization

/// Runs a `LeaderElectionState` against a `LeaseStore` and scopes leader-only work to the
/// terms it wins: `whileLeading` acquires and renews the Lease every `retryPeriod`, runs the
/// body in a child task for each term, and cancels it (waiting until it returned) as soon as the
/// lease is lost, so no leader work outlives the lease and no two terms overlap. Nothing here
/// refers back to the caller: the body's end or error is the only channel out.
/// The store must honour task cancellation: a renewal still hanging at `renewDeadline` is
/// cancelled and counts as failed.
public final class LeaderElector: Sendable {
    private struct State {
        var machine: LeaderElectionState
        var random: SeededGenerator
        var stopRequested = false
        /// A follower's pause between attempts, woken early by `stop`.
        var pauseWaiter: CheckedContinuation<Void, Never>?
        /// Failed attempts since the last successful write: the first of a run is a warning.
        var failuresInARow = 0
    }

    /// What the election loop waits for between attempts.
    private enum Wake: Sendable {
        case pauseEnded
        /// The term's body returned or threw; `cancelled`: it had been cancelled by then.
        case bodyEnded(Result<Void, any Error>, cancelled: Bool)
    }

    private struct DeadlineExceeded: Error {}

    public let configuration: LeaderElectionConfiguration
    private let store: any LeaseStore
    private let clock: any RuntimeClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let state: Mutex<State>

    public init(
        configuration: LeaderElectionConfiguration,
        store: any LeaseStore,
        clock: any RuntimeClock = SystemClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        random: SeededGenerator = SeededGenerator(),
        logger: Logger = Logger(label: "trustline.leader-election")
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
        state = Mutex(State(machine: LeaderElectionState(configuration: configuration), random: random))
    }

    /// Whether this candidate currently leads.
    public var isLeader: Bool { state.withLock { $0.machine.isLeader } }

    /// Campaigns and runs `body` in a child task for each term won. When the lease is lost the
    /// body is cancelled and awaited, and the campaign goes on as a follower. The election ends,
    /// releasing the lease if held so a successor takes over at once, when:
    /// - the body returns on its own: `whileLeading` returns;
    /// - the body throws without having been cancelled: the error is rethrown;
    /// - `stop` was called: at once while following, or once the running body returned (renewals
    ///   go on meanwhile, so the lease stays held while the body drains; ending the body is the
    ///   caller's part, e.g. the same graceful shutdown that called `stop`);
    /// - the calling task is cancelled: the body is cancelled too, then `whileLeading` returns.
    public func whileLeading(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let ended = await campaign(body)
        // Release in a task of its own, awaited here: the caller may be cancelled, and the
        // release must still be sent.
        await Task { await self.releaseIfLeading() }.value
        try ended?.get()
    }

    /// Ends the election: at once while following, or after the running term's body returned
    /// (see `whileLeading`). No new term starts.
    public func stop() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopRequested = true
            defer { state.pauseWaiter = nil }
            return state.pauseWaiter
        }
        waiter?.resume()
    }

    // MARK: Internals

    /// Follows until a term is won, leads it (`lead`), and goes on following after a lost one.
    /// Returns how the election ended: the body's result, `.success` on `stop`, nil on cancellation.
    private func campaign(_ body: @escaping @Sendable () async throws -> Void) async -> Result<Void, any Error>? {
        while !Task.isCancelled {
            if state.withLock({ $0.stopRequested }) { return .success(()) }
            if case .startedLeading = await attempt() {
                logger.info("became leader")
                if state.withLock({ $0.stopRequested }) { return .success(()) }
                if let ended = await lead(body) { return ended }
            }
            await pause(interruptible: true)
        }
        return nil
    }

    /// One term: `body` in a child task while this task renews the lease. Returns nil when the
    /// lease was lost (the body cancelled and returned) or on cancellation; the body's result when
    /// it ended on its own. A fresh task group per term: a cancelled group cancels every task
    /// added to it later.
    private func lead(_ body: @escaping @Sendable () async throws -> Void) async -> Result<Void, any Error>? {
        await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await body()
                    return .bodyEnded(.success(()), cancelled: Task.isCancelled)
                } catch {
                    return .bodyEnded(.failure(error), cancelled: Task.isCancelled)
                }
            }
            while true {
                group.addTask {
                    await self.pause(interruptible: false)
                    return .pauseEnded
                }
                while let wake = await group.next() {
                    guard case let .bodyEnded(result, cancelled) = wake else { break }
                    group.cancelAll()
                    return cancelled ? nil : result
                }
                if Task.isCancelled { return nil }
                if case .lostLeadership = await attempt() {
                    logger.warning("lost leadership; stopping the leader's work")
                    group.cancelAll()
                    while let wake = await group.next() {
                        // A body that failed before it was cancelled still ends the election.
                        if case let .bodyEnded(.failure(error), cancelled: false) = wake { return .failure(error) }
                    }
                    return nil
                }
            }
        }
    }

    /// Sleeps until the next attempt; a follower's sleep (`interruptible`) also ends on `stop`.
    private func pause(interruptible: Bool) async {
        let pause = state.withLock { state -> Duration in
            guard !state.machine.isLeader else { return configuration.retryPeriod }
            // Followers spread their attempts (client-go's jitter factor 1.2).
            return configuration.retryPeriod * (1 + Double.random(in: 0...0.2, using: &state.random))
        }
        guard interruptible else {
            try? await clock.sleep(for: pause)
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in try? await clock.sleep(for: pause) }
            group.addTask { await self.waitForStop() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Returns once `stop` is called or the task is cancelled.
    private func waitForStop() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.stopRequested || Task.isCancelled { return true }
                    state.pauseWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.pauseWaiter = nil }
                return state.pauseWaiter
            }
            waiter?.resume()
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
        guard wasLeader, let record else { return }
        do {
            _ = try await store.update(record)
            logger.info("released the lease")
        } catch {
            logger.warning("could not release the lease; it expires on its own", metadata: ["error": "\(error)"])
        }
    }
}
