import Foundation

/// Timing and identity of one leader election candidate, with client-go's defaults.
public struct LeaderElectionConfiguration: Sendable, Equatable {
    /// This candidate's unique name (pod name plus a random suffix, say).
    public var identity: String
    /// How long followers wait, from the last change they saw, before taking an unrenewed lease.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives up leading.
    public var renewDeadline: Duration
    /// Time between attempts to acquire or renew.
    public var retryPeriod: Duration

    /// Throws `LeaderElectionConfigurationError` naming the field when the timings cannot work:
    /// the leader must give up (`renewDeadline`) before followers may take over (`leaseDuration`),
    /// and must get several attempts in before that.
    public init(
        identity: String,
        leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2)
    ) throws(LeaderElectionConfigurationError) {
        guard !identity.isEmpty else {
            throw .invalid(field: "identity", reason: "must not be empty; use the pod name or hostname")
        }
        guard retryPeriod > .zero else {
            throw .invalid(field: "retryPeriod", reason: "must be positive")
        }
        guard renewDeadline > retryPeriod * 1.2 else {
            throw .invalid(field: "renewDeadline", reason: "must be longer than 1.2 × retryPeriod (\(retryPeriod))")
        }
        guard leaseDuration > renewDeadline else {
            throw .invalid(field: "leaseDuration", reason: "must be longer than renewDeadline (\(renewDeadline))")
        }
        guard leaseDuration >= .seconds(1) else {
            throw .invalid(field: "leaseDuration", reason: "must be at least 1s (the Lease stores whole seconds)")
        }
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }

    /// `leaseDuration` in the Lease's whole seconds, rounded up.
    var leaseDurationSeconds: Int {
        let (seconds, attoseconds) = leaseDuration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}

/// A leader election setting that cannot work, naming the field.
public enum LeaderElectionConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(field: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(field, reason): "leader election \(field) \(reason)"
        }
    }
}

/// Leader election as a pure state machine, following client-go's rules: observe the Lease,
/// get back the write to make (or why not); report how writes went. Expiry of another holder's
/// lease is judged on this observer's own monotonic clock, from the moment it last saw the record
/// change, never from the holder's timestamps, so clock skew between nodes does not matter.
public struct LeaderElectionState: Sendable {
    /// What to do after observing the Lease.
    public enum Action: Sendable, Equatable {
        /// No Lease exists: create this one.
        case create(LeaseRecord)
        /// The Lease is free, released or expired (or already ours after a restart): take it
        /// with this update (its resourceVersion is the expected one).
        case acquire(LeaseRecord)
        /// We lead: renew with this update.
        case renew(LeaseRecord)
        /// Someone else holds a live lease: try again at this time.
        case standBy(until: ContinuousClock.Instant)
        /// We were leading but no longer are: stop all leader work now.
        case lostLeadership
    }

    /// What a finished attempt means.
    public enum Outcome: Sendable, Equatable {
        /// The write made us leader.
        case startedLeading
        /// We lead and renewed.
        case renewed
        /// Not leading; try again at this time.
        case retry(at: ContinuousClock.Instant)
        /// We were leading and must stop: renewals failed past `renewDeadline`.
        case lostLeadership
    }

    public let configuration: LeaderElectionConfiguration
    /// The last record seen, and when (our clock) it last changed.
    public private(set) var observedRecord: LeaseRecord?
    public private(set) var observedTime: ContinuousClock.Instant?
    public private(set) var isLeader = false
    /// Our last successful acquire or renew.
    public private(set) var lastRenewal: ContinuousClock.Instant?

    public init(configuration: LeaderElectionConfiguration) {
        self.configuration = configuration
    }

    private var identity: String { configuration.identity }

    /// Decides what to do with the Lease as just read (`nil`: not found).
    public mutating func observe(_ lease: LeaseRecord?, now: ContinuousClock.Instant, wallTime: Date) -> Action {
        if renewDeadlinePassed(now: now) {
            isLeader = false
            return .lostLeadership
        }
        guard let lease else {
            return .create(LeaseRecord(
                holderIdentity: identity, leaseDurationSeconds: configuration.leaseDurationSeconds,
                acquireTime: wallTime, renewTime: wallTime, leaseTransitions: 0))
        }
        if let observedRecord, observedRecord.sameContent(as: lease) {
            self.observedRecord = lease  // keep the newest resourceVersion
        } else {
            observedRecord = lease
            observedTime = now
        }
        let heldByOther = lease.isHeld && lease.holderIdentity != identity
        if heldByOther {
            let duration = lease.leaseDurationSeconds.map { Duration.seconds($0) } ?? configuration.leaseDuration
            let expiry = (observedTime ?? now).advanced(by: duration)
            if now < expiry {
                if isLeader {
                    isLeader = false
                    return .lostLeadership
                }
                return .standBy(until: now.advanced(by: configuration.retryPeriod))
            }
        }
        var record = lease
        record.holderIdentity = identity
        record.leaseDurationSeconds = configuration.leaseDurationSeconds
        record.renewTime = wallTime
        if lease.holderIdentity == identity {
            // Ours already (leading, or restarted under the same identity): keep acquire time and count.
            return isLeader ? .renew(record) : .acquire(record)
        }
        record.acquireTime = wallTime
        record.leaseTransitions = lease.leaseTransitions + 1
        return .acquire(record)
    }

    /// The create or update went through; `stored` is what the server holds now.
    public mutating func writeSucceeded(_ stored: LeaseRecord, now: ContinuousClock.Instant) -> Outcome {
        observedRecord = stored
        observedTime = now
        lastRenewal = now
        if isLeader { return .renewed }
        isLeader = true
        return .startedLeading
    }

    /// A read or write failed (conflict, network, timeout). A leader past `renewDeadline`
    /// since its last renewal loses leadership; otherwise retry after `retryPeriod`.
    public mutating func attemptFailed(now: ContinuousClock.Instant) -> Outcome {
        if renewDeadlinePassed(now: now) {
            isLeader = false
            return .lostLeadership
        }
        return .retry(at: now.advanced(by: configuration.retryPeriod))
    }

    /// The deadline by which a leader's renewal must succeed, if leading.
    public var renewDeadline: ContinuousClock.Instant? {
        guard isLeader, let lastRenewal else { return nil }
        return lastRenewal.advanced(by: configuration.renewDeadline)
    }

    /// On graceful shutdown: the update that hands the lease back (no holder, 1 s duration, so
    /// a successor takes over at once), or nil when we do not hold it. Leadership ends either way.
    public mutating func release(wallTime: Date) -> LeaseRecord? {
        defer { isLeader = false }
        guard isLeader, var record = observedRecord, record.holderIdentity == identity else { return nil }
        record.holderIdentity = nil
        record.leaseDurationSeconds = 1
        record.acquireTime = wallTime
        record.renewTime = wallTime
        return record
    }

    private func renewDeadlinePassed(now: ContinuousClock.Instant) -> Bool {
        guard let renewDeadline else { return false }
        return now >= renewDeadline
    }
}
