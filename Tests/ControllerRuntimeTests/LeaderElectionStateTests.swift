import Foundation
import Testing

@testable import ControllerRuntime

@Suite struct LeaderElectionStateTests {
    let t0 = ContinuousClock.now
    let wall = Date(timeIntervalSince1970: 1_800_000_000)
    let config = try! LeaderElectionConfiguration(identity: "me")

    func other(renewedAt renew: Date? = nil, duration: Int? = 15, transitions: Int = 3, version: String = "10") -> LeaseRecord {
        LeaseRecord(
            holderIdentity: "other", leaseDurationSeconds: duration, acquireTime: Date(timeIntervalSince1970: 1),
            renewTime: renew ?? Date(timeIntervalSince1970: 2), leaseTransitions: transitions, resourceVersion: version)
    }

    @Test func defaultsAreClientGos() {
        #expect(config.leaseDuration == .seconds(15))
        #expect(config.renewDeadline == .seconds(10))
        #expect(config.retryPeriod == .seconds(2))
    }

    @Test func noLeaseMeansCreate() {
        var state = LeaderElectionState(configuration: config)
        let action = state.observe(nil, now: t0, wallTime: wall)
        #expect(action == .create(LeaseRecord(
            holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: wall, renewTime: wall, leaseTransitions: 0)))
        #expect(!state.isLeader)
    }

    @Test func aLiveLeaseOfAnotherHolderMeansStandBy() {
        var state = LeaderElectionState(configuration: config)
        #expect(state.observe(other(), now: t0, wallTime: wall) == .standBy(until: t0 + .seconds(2)))
        #expect(state.observe(other(), now: t0 + .milliseconds(14_999), wallTime: wall) == .standBy(until: t0 + .milliseconds(16_999)))
    }

    @Test func anUnchangedLeaseIsTakenAfterLeaseDurationOnTheObserversClock() {
        var state = LeaderElectionState(configuration: config)
        _ = state.observe(other(), now: t0, wallTime: wall)
        let action = state.observe(other(), now: t0 + .seconds(15), wallTime: wall)
        var expected = other()
        expected.holderIdentity = "me"
        expected.acquireTime = wall
        expected.renewTime = wall
        expected.leaseTransitions = 4
        #expect(action == .acquire(expected))
        #expect(expected.resourceVersion == "10", "the update is guarded by the version read")
    }

    @Test func aRenewalSeenRestartsTheExpiryCountdown() {
        var state = LeaderElectionState(configuration: config)
        _ = state.observe(other(renewedAt: Date(timeIntervalSince1970: 100)), now: t0, wallTime: wall)
        let renewed = other(renewedAt: Date(timeIntervalSince1970: 110), version: "11")
        #expect(state.observe(renewed, now: t0 + .seconds(10), wallTime: wall) == .standBy(until: t0 + .seconds(12)))
        #expect(state.observe(renewed, now: t0 + .seconds(24), wallTime: wall) == .standBy(until: t0 + .seconds(26)))
        guard case .acquire = state.observe(renewed, now: t0 + .seconds(25), wallTime: wall) else {
            Issue.record("expected takeover 15 s after the last change was seen")
            return
        }
    }

    @Test func theHoldersTimestampsAreNotTrusted() {
        // A renewTime far in the past (clock skew or a stale record) does not make the lease
        // expired: the observer has only just seen it.
        var state = LeaderElectionState(configuration: config)
        let stale = other(renewedAt: Date(timeIntervalSince1970: 0))
        #expect(state.observe(stale, now: t0, wallTime: wall) == .standBy(until: t0 + .seconds(2)))
    }

    @Test func theRecordsOwnDurationCounts() {
        var state = LeaderElectionState(configuration: config)
        _ = state.observe(other(duration: 40), now: t0, wallTime: wall)
        #expect(state.observe(other(duration: 40), now: t0 + .seconds(39), wallTime: wall) == .standBy(until: t0 + .seconds(41)))
        guard case .acquire = state.observe(other(duration: 40), now: t0 + .seconds(40), wallTime: wall) else {
            Issue.record("expected takeover after the record's 40 s")
            return
        }
    }

    @Test(arguments: [nil, ""])
    func aReleasedLeaseIsTakenAtOnce(holder: String?) throws {
        var state = LeaderElectionState(configuration: config)
        let released = LeaseRecord(holderIdentity: holder, leaseDurationSeconds: 1, leaseTransitions: 5, resourceVersion: "20")
        let action = state.observe(released, now: t0, wallTime: wall)
        guard case let .acquire(record) = action else {
            Issue.record("expected acquire, got \(action)")
            return
        }
        #expect(record.holderIdentity == "me" && record.leaseTransitions == 6 && record.leaseDurationSeconds == 15)
        #expect(record.resourceVersion == "20")
    }

    @Test func ourOwnLeaseAfterARestartIsReacquiredWithoutATransition() {
        var state = LeaderElectionState(configuration: config)
        let ours = LeaseRecord(
            holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: Date(timeIntervalSince1970: 5),
            renewTime: Date(timeIntervalSince1970: 6), leaseTransitions: 2, resourceVersion: "30")
        var expected = ours
        expected.renewTime = wall
        #expect(state.observe(ours, now: t0, wallTime: wall) == .acquire(expected))
    }

    @Test func leaderRenewsKeepingAcquireTimeAndTransitions() {
        var state = LeaderElectionState(configuration: config)
        _ = state.observe(nil, now: t0, wallTime: wall)
        var stored = LeaseRecord(holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: wall, renewTime: wall, resourceVersion: "1")
        #expect(state.writeSucceeded(stored, now: t0) == .startedLeading)
        #expect(state.isLeader)
        #expect(state.renewDeadline == t0 + .seconds(10))
        let later = wall.addingTimeInterval(2)
        var expected = stored
        expected.renewTime = later
        #expect(state.observe(stored, now: t0 + .seconds(2), wallTime: later) == .renew(expected))
        stored = expected
        stored.resourceVersion = "2"
        #expect(state.writeSucceeded(stored, now: t0 + .seconds(2)) == .renewed)
        #expect(state.renewDeadline == t0 + .seconds(12))
    }

    private func leader() -> LeaderElectionState {
        var state = LeaderElectionState(configuration: config)
        _ = state.observe(nil, now: t0, wallTime: wall)
        _ = state.writeSucceeded(
            LeaseRecord(holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: wall, renewTime: wall, resourceVersion: "1"), now: t0)
        return state
    }

    @Test func aLeaderThatSeesAnotherHolderStopsLeading() {
        var state = leader()
        #expect(state.observe(other(), now: t0 + .seconds(2), wallTime: wall) == .lostLeadership)
        #expect(!state.isLeader)
        #expect(state.observe(other(), now: t0 + .seconds(4), wallTime: wall) == .standBy(until: t0 + .seconds(6)))
    }

    @Test(arguments: [
        (2, LeaderElectionState.Outcome.retry(at: ContinuousClock.now)), (9, .retry(at: ContinuousClock.now)), (10, .lostLeadership), (11, .lostLeadership),
    ])
    func failedRenewalsLoseLeadershipAtTheRenewDeadline(seconds: Int, expected: LeaderElectionState.Outcome) {
        var state = leader()
        let now = t0 + .seconds(seconds)
        let outcome = state.attemptFailed(now: now)
        if case .retry = expected {
            #expect(outcome == .retry(at: now + .seconds(2)))
            #expect(state.isLeader)
        } else {
            #expect(outcome == .lostLeadership)
            #expect(!state.isLeader)
        }
    }

    @Test func observingPastTheRenewDeadlineLosesLeadership() {
        var state = leader()
        #expect(state.observe(nil, now: t0 + .seconds(10), wallTime: wall) == .lostLeadership)
    }

    @Test func followersNeverLoseLeadershipOnFailure() {
        var state = LeaderElectionState(configuration: config)
        #expect(state.attemptFailed(now: t0 + .seconds(100)) == .retry(at: t0 + .seconds(102)))
    }

    @Test func releaseClearsTheHolderAndShortensTheDuration() throws {
        var state = leader()
        let releasedAt = wall.addingTimeInterval(30)
        let released = state.release(wallTime: releasedAt)
        let record = try #require(released)
        #expect(record == LeaseRecord(
            holderIdentity: nil, leaseDurationSeconds: 1, acquireTime: releasedAt, renewTime: releasedAt,
            leaseTransitions: 0, resourceVersion: "1"))
        #expect(!state.isLeader)
        #expect(state.release(wallTime: releasedAt) == nil)
        var follower = LeaderElectionState(configuration: config)
        _ = follower.observe(other(), now: t0, wallTime: wall)
        #expect(follower.release(wallTime: wall) == nil)
    }

    struct BadConfiguration: Sendable {
        var identity = "me"
        var lease = 15.0
        var renew = 10.0
        var retry = 2.0
        var field: String
    }

    @Test(arguments: [
        BadConfiguration(identity: "", field: "identity"),
        BadConfiguration(retry: 0, field: "retryPeriod"),
        BadConfiguration(renew: 2.4, field: "renewDeadline"),
        BadConfiguration(lease: 10, field: "leaseDuration"),
        BadConfiguration(lease: 0.9, renew: 0.5, retry: 0.1, field: "leaseDuration"),
    ])
    func badTimingsAreRejectedNamingTheField(_ bad: BadConfiguration) {
        #expect {
            _ = try LeaderElectionConfiguration(
                identity: bad.identity, leaseDuration: .seconds(bad.lease), renewDeadline: .seconds(bad.renew),
                retryPeriod: .seconds(bad.retry))
        } throws: { error in
            guard case let .invalid(field, _) = error as? LeaderElectionConfigurationError else { return false }
            return field == bad.field
        }
    }

    @Test func leaseRecordRoundTripsThroughALeaseObject() throws {
        let record = LeaseRecord(
            holderIdentity: "pod-1", leaseDurationSeconds: 15, acquireTime: Date(timeIntervalSince1970: 1_800_000_000.25),
            renewTime: Date(timeIntervalSince1970: 1_800_000_002.5), leaseTransitions: 7, resourceVersion: "99")
        let lease = record.lease(name: "trustline-leader", namespace: "trustline-system")
        #expect(lease.metadata.name == "trustline-leader" && lease.metadata.namespace == "trustline-system")
        #expect(lease.spec?.renewTime == "2027-01-15T08:00:02.500000Z")
        let back = LeaseRecord(lease)
        #expect(back.holderIdentity == "pod-1" && back.leaseTransitions == 7 && back.resourceVersion == "99")
        let renew = try #require(back.renewTime)
        #expect(abs(renew.timeIntervalSince1970 - 1_800_000_002.5) < 0.000_001)
    }
}
