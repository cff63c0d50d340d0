import Foundation
import Synchronization
import Testing

@testable import ControllerRuntime

/// `whileLeading` scopes leader work to leadership terms: a term is cancelled and has returned
/// before the election goes on (and before any next term), a graceful `stop` keeps the lease
/// while the running term drains and releases it only after, and a term's own end or failure
/// ends the election.
@Suite(.timeLimit(.minutes(1))) struct LeaderElectorTermTests {
    struct TermFailed: Error {}

    private static func elector(_ identity: String, store: any LeaseStore, clock: ManualClock) throws -> LeaderElector {
        LeaderElector(configuration: try LeaderElectionConfiguration(identity: identity), store: store, clock: clock, logger: quietLogger)
    }

    /// Moves `clock` in 100 ms steps for `duration`, letting the elector go back to sleep after each.
    private static func advance(_ clock: ManualClock, by duration: Duration) async {
        var elapsed = Duration.zero
        while elapsed < duration {
            await clock.waitForSleepers()
            clock.advance(by: .milliseconds(100))
            elapsed += .milliseconds(100)
        }
        await clock.waitForSleepers()
    }

    @Test func aLostTermHasReturnedBeforeTheElectionGoesOnAndTheNextTermStarts() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let connection = lease.connection(for: "solo")
        let elector = try Self.elector("solo", store: connection, clock: clock)
        let terms = TermLog()
        let run = Task { try await elector.whileLeading(terms.body(clock: clock)) }
        defer { run.cancel() }
        await clock.waitForSleepers()
        #expect(try await eventually { terms.started.count == 1 })
        let renewedAt = try #require(elector.isLeader ? clock.now : nil)

        // Cut off from the API server, the leader stops its work by the renew deadline.
        connection.cut.withLock { $0 = true }
        var rounds = 0
        while elector.isLeader && rounds < 100 {
            rounds += 1
            await clock.waitForSleepers()
            clock.advanceToNextDeadline()
            await Task.yield()
        }
        #expect(!elector.isLeader)
        await clock.waitForSleepers()
        // The elector sleeps again only once the cancelled term has returned.
        #expect(terms.stopped.count == 1)
        let lostAt = try #require(terms.stopped.first)
        #expect(lostAt <= renewedAt + .seconds(10), "leadership ends by the renew deadline")

        // Reconnected, it takes back the lease (still naming it) and a second term starts,
        // never alongside the first.
        connection.cut.withLock { $0 = false }
        await Self.advance(clock, by: .seconds(3))
        #expect(try await eventually { terms.started.count == 2 })
        #expect(elector.isLeader)
        #expect(terms.stopped.count == 1)
        #expect(terms.mostAtOnce == 1, "two terms ran at once")
    }

    @Test func stopWhileLeadingKeepsRenewingUntilTheTermReturnsThenReleases() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let elector = try Self.elector("solo", store: lease.connection(for: "solo"), clock: clock)
        let terms = TermLog()
        let run = Task { try await elector.whileLeading(terms.body(clock: clock)) }
        defer { run.cancel() }
        await clock.waitForSleepers()
        #expect(try await eventually { terms.started.count == 1 })

        elector.stop()
        let writes = lease.writeCount
        // The term is still draining: the lease stays ours and is renewed past its duration.
        await Self.advance(clock, by: .seconds(20))
        #expect(lease.writeCount >= writes + 5, "renewals stopped while the term drained")
        #expect(lease.record?.holderIdentity == "solo")
        #expect(elector.isLeader)
        #expect(terms.stopped.count == 0, "stop cancelled the running term")

        terms.finish()
        try await run.value
        #expect(terms.stopped.count == 1)
        #expect(lease.record?.isHeld == false, "the lease is released once the term returned")
        #expect(terms.started.count == 1, "a term started after stop")
    }

    @Test func stopWhileFollowingEndsAtOnceWithoutATerm() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let now = Date()
        _ = try await lease.connection(for: "other").create(
            LeaseRecord(holderIdentity: "other", leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0))
        let elector = try Self.elector("follower", store: lease.connection(for: "follower"), clock: clock)
        let terms = TermLog()
        let run = Task { try await elector.whileLeading(terms.body(clock: clock)) }
        await clock.waitForSleepers()
        #expect(!elector.isLeader)

        elector.stop()
        // Returns without the clock moving: the follower's pause ends on stop.
        try await run.value
        #expect(terms.started.count == 0)
        #expect(lease.record?.holderIdentity == "other")
    }

    @Test func stopBeforeCampaigningStartsNothing() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let elector = try Self.elector("solo", store: lease.connection(for: "solo"), clock: clock)
        let terms = TermLog()
        elector.stop()
        try await elector.whileLeading(terms.body(clock: clock))
        #expect(terms.started.count == 0)
        #expect(lease.writeCount == 0)
    }

    @Test func aFailingTermEndsTheElectionReleasesAndIsRethrown() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let elector = try Self.elector("solo", store: lease.connection(for: "solo"), clock: clock)
        let run = Task { try await elector.whileLeading { throw TermFailed() } }
        await #expect(throws: TermFailed.self) { try await run.value }
        #expect(!elector.isLeader)
        #expect(lease.record?.isHeld == false)
        #expect(lease.record?.leaseDurationSeconds == 1)
    }

    @Test func aTermThatReturnsEndsTheElectionAndReleases() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let elector = try Self.elector("solo", store: lease.connection(for: "solo"), clock: clock)
        let terms = TermLog()
        terms.finish()
        try await elector.whileLeading(terms.body(clock: clock))
        #expect(terms.started.count == 1 && terms.stopped.count == 1)
        #expect(lease.record?.isHeld == false)
    }
}
