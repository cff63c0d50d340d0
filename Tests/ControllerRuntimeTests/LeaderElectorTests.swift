import Foundation
import Logging
import Synchronization
import Testing

@testable import ControllerRuntime

/// One Lease held in memory with the API server's compare-and-swap rules; each candidate talks
/// to it through its own connection, which the test can cut to simulate a partition or a hung
/// process that stops renewing.
final class InMemoryLease: Sendable {
    struct Unreachable: Error {}

    private struct State {
        var record: LeaseRecord?
        var version = 0
        var writes: [(identity: String, record: LeaseRecord)] = []
    }

    private let state = Mutex(State())

    var record: LeaseRecord? { state.withLock { $0.record } }
    var writeCount: Int { state.withLock { $0.writes.count } }

    func connection(for identity: String) -> Connection { Connection(lease: self, identity: identity) }

    fileprivate func get() -> LeaseRecord? { state.withLock { $0.record } }

    fileprivate func create(_ record: LeaseRecord, by identity: String) throws -> LeaseRecord {
        try state.withLock { state in
            guard state.record == nil else { throw LeaseStoreError.conflict }
            return Self.store(record, by: identity, in: &state)
        }
    }

    fileprivate func update(_ record: LeaseRecord, by identity: String) throws -> LeaseRecord {
        try state.withLock { state in
            guard let current = state.record, current.resourceVersion == record.resourceVersion else {
                throw LeaseStoreError.conflict
            }
            return Self.store(record, by: identity, in: &state)
        }
    }

    private static func store(_ record: LeaseRecord, by identity: String, in state: inout State) -> LeaseRecord {
        state.version += 1
        var stored = record
        stored.resourceVersion = String(state.version)
        state.record = stored
        state.writes.append((identity, stored))
        return stored
    }

    /// A candidate's view of the lease; `cut` makes every call fail as if the network were down.
    final class Connection: LeaseStore {
        let lease: InMemoryLease
        let identity: String
        let cut = Mutex(false)

        init(lease: InMemoryLease, identity: String) {
            self.lease = lease
            self.identity = identity
        }

        private func check() throws {
            if cut.withLock({ $0 }) { throw Unreachable() }
        }

        func get() async throws -> LeaseRecord? {
            try check()
            return lease.get()
        }

        func create(_ record: LeaseRecord) async throws -> LeaseRecord {
            try check()
            return try lease.create(record, by: identity)
        }

        func update(_ record: LeaseRecord) async throws -> LeaseRecord {
            try check()
            return try lease.update(record, by: identity)
        }
    }
}

/// Times at which a callback ran.
final class TimeLog: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([])
    func append(_ time: ContinuousClock.Instant) { times.withLock { $0.append(time) } }
    var all: [ContinuousClock.Instant] { times.withLock { $0 } }
    var first: ContinuousClock.Instant? { all.first }
    var count: Int { all.count }
}

/// Leader work the tests can watch: when each term began and ended, how many ran at once, and
/// a way to make the running term return on its own (as a controller does once drained).
final class TermLog: Sendable {
    let started = TimeLog()
    let stopped = TimeLog()
    private let finishRequested = Mutex(false)
    private let running = Mutex((now: 0, most: 0))

    /// The most terms that ever ran at the same time.
    var mostAtOnce: Int { running.withLock { $0.most } }

    /// Makes the running term (and any later one) return.
    func finish() { finishRequested.withLock { $0 = true } }

    /// A term body that runs until cancelled or `finish`, logging times on `clock`.
    func body(clock: ManualClock) -> @Sendable () async throws -> Void {
        { [self] in
            started.append(clock.now)
            running.withLock { running in
                running.now += 1
                running.most = max(running.most, running.now)
            }
            while !Task.isCancelled && !finishRequested.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(1))
            }
            running.withLock { $0.now -= 1 }
            stopped.append(clock.now)
        }
    }
}

/// A candidate under test: the elector, its connection, and the log of its terms.
private struct Candidate {
    let elector: LeaderElector
    let connection: InMemoryLease.Connection
    let terms = TermLog()
    let run: Task<Void, any Error>

    init(_ identity: String, lease: InMemoryLease, clock: ManualClock, seed: UInt64) throws {
        let connection = lease.connection(for: identity)
        let elector = LeaderElector(
            configuration: try LeaderElectionConfiguration(identity: identity),
            store: connection, clock: clock, random: SeededGenerator(seed: seed),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.elector = elector
        self.connection = connection
        run = Task { [terms] in try await elector.whileLeading(terms.body(clock: clock)) }
    }

    var started: TimeLog { terms.started }
    var stopped: TimeLog { terms.stopped }
    var startedCount: Int { started.count }
    var stoppedCount: Int { stopped.count }
}

@Suite(.timeLimit(.minutes(1))) struct LeaderElectorTests {
    /// Advances `clock` in 100 ms steps for `duration`, letting both candidates settle after each
    /// step, and checks at every step that at most one of them leads. Returns when `until` holds.
    @discardableResult
    private func advance(
        _ clock: ManualClock, by duration: Duration, candidates: [Candidate], until: () -> Bool = { false }
    ) async -> Bool {
        let step = Duration.milliseconds(100)
        var elapsed = Duration.zero
        while elapsed < duration {
            await clock.waitForSleepers(count: candidates.count)
            clock.advance(by: step)
            elapsed += step
            await clock.waitForSleepers(count: candidates.count)
            let leaders = candidates.filter { $0.elector.isLeader }.count
            #expect(leaders <= 1, "two leaders at once")
            if until() { return true }
        }
        return until()
    }

    @Test func onlyOneLeadsAndTheOtherTakesOverAfterLeaseDurationWhenRenewalsStop() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let a = try Candidate("a", lease: lease, clock: clock, seed: 1)
        let b = try Candidate("b", lease: lease, clock: clock, seed: 2)
        defer {
            a.run.cancel()
            b.run.cancel()
        }
        let both = [a, b]

        // One of them leads within the first retry period; the other stays a follower.
        #expect(await advance(clock, by: .seconds(3), candidates: both) { a.elector.isLeader || b.elector.isLeader })
        await advance(clock, by: .seconds(20), candidates: both)
        let (leader, follower) = a.elector.isLeader ? (a, b) : (b, a)
        #expect(leader.elector.isLeader && !follower.elector.isLeader)
        #expect(leader.startedCount == 1 && follower.startedCount == 0)
        #expect(lease.record?.holderIdentity == leader.connection.identity)

        // The leader is cut off: it stops renewing.
        let lastRenewal = try #require(lease.record?.renewTime)
        _ = lastRenewal
        let cutAt = clock.now
        leader.connection.cut.withLock { $0 = true }
        #expect(await advance(clock, by: .seconds(25), candidates: both) { follower.elector.isLeader })
        let lostAt = try #require(leader.stopped.first)
        let takenAt = try #require(follower.started.first)
        // The cut-off leader gives up within renewDeadline of its last renewal (<= 2 s before the cut)...
        #expect(lostAt <= cutAt + .seconds(10) + .milliseconds(200))
        #expect(lostAt >= cutAt + .seconds(8))
        // ...before the follower, judging expiry from when it last saw a change, takes over
        // after leaseDuration (plus at most one jittered retry period).
        #expect(lostAt < takenAt)
        #expect(takenAt >= cutAt + .seconds(13), "took over before the lease could have expired")
        #expect(takenAt <= cutAt + .seconds(15) + .milliseconds(2400) + .milliseconds(200))
        #expect(lease.record?.holderIdentity == follower.connection.identity)
        #expect(lease.record?.leaseTransitions == 1)

        // Reconnected, the old leader stays a follower.
        leader.connection.cut.withLock { $0 = false }
        await advance(clock, by: .seconds(10), candidates: both)
        #expect(!leader.elector.isLeader && follower.elector.isLeader)
    }

    @Test func releaseOnStopMakesTakeoverImmediate() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let a = try Candidate("a", lease: lease, clock: clock, seed: 3)
        let b = try Candidate("b", lease: lease, clock: clock, seed: 4)
        defer {
            a.run.cancel()
            b.run.cancel()
        }
        #expect(await advance(clock, by: .seconds(3), candidates: [a, b]) { a.elector.isLeader || b.elector.isLeader })
        await advance(clock, by: .seconds(5), candidates: [a, b])
        let (leader, follower) = a.elector.isLeader ? (a, b) : (b, a)

        let stoppedAt = clock.now
        leader.elector.stop()
        // What a graceful shutdown does to the term itself: it drains and returns.
        leader.terms.finish()
        try await leader.run.value
        #expect(!leader.elector.isLeader)
        #expect(leader.stoppedCount == 1)
        let released = try #require(lease.record)
        #expect(!released.isHeld && released.leaseDurationSeconds == 1)

        #expect(await advance(clock, by: .seconds(5), candidates: [follower]) { follower.elector.isLeader })
        let takenAt = try #require(follower.started.first)
        #expect(takenAt <= stoppedAt + .milliseconds(2400) + .milliseconds(100), "a released lease is taken within one retry period")
    }

    @Test func cancellingRunAlsoReleases() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let a = try Candidate("a", lease: lease, clock: clock, seed: 5)
        #expect(await advance(clock, by: .seconds(1), candidates: [a]) { a.elector.isLeader })
        a.run.cancel()
        try await a.run.value
        #expect(lease.record?.isHeld == false)
        #expect(a.startedCount == 1 && a.stoppedCount == 1)
    }

    @Test func aRenewalHangingPastTheDeadlineLosesLeadership() async throws {
        /// Hangs every call after `hang` is set, until cancelled.
        final class HangingStore: LeaseStore {
            let inner: InMemoryLease.Connection
            let hang = Mutex(false)
            init(_ inner: InMemoryLease.Connection) { self.inner = inner }
            private func maybeHang() async throws {
                if hang.withLock({ $0 }) {
                    try await Task.sleep(for: .seconds(3600))
                }
            }
            func get() async throws -> LeaseRecord? {
                try await maybeHang()
                return try await inner.get()
            }
            func create(_ record: LeaseRecord) async throws -> LeaseRecord { try await inner.create(record) }
            func update(_ record: LeaseRecord) async throws -> LeaseRecord { try await inner.update(record) }
        }
        let clock = ManualClock()
        let lease = InMemoryLease()
        let store = HangingStore(lease.connection(for: "a"))
        let terms = TermLog()
        let stopped = terms.stopped
        let elector = LeaderElector(
            configuration: try LeaderElectionConfiguration(identity: "a"), store: store, clock: clock,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let run = Task { try await elector.whileLeading(terms.body(clock: clock)) }
        defer { run.cancel() }
        await clock.waitForSleepers()
        #expect(elector.isLeader)
        store.hang.withLock { $0 = true }
        let hungAt = clock.now
        // The campaign sleep (2 s) and then the renewal's deadline timer are the only sleepers.
        clock.advanceToNextDeadline()
        await clock.waitForSleepers()
        #expect(clock.nextDeadline == hungAt + .seconds(10))
        clock.advanceToNextDeadline()
        await clock.waitForSleepers()
        #expect(!elector.isLeader)
        #expect(stopped.count == 1)
    }
}
