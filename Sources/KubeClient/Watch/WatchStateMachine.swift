/// The watch loop's decisions as a pure state machine (state in, actions out, no I/O), driven
/// by `Watcher`: when to (re)connect and from which resourceVersion, how long to back off,
/// and when to give up with "relist" (410 Gone) or a fatal error. Time and randomness are inputs.
public struct WatchStateMachine: Sendable {
    /// What the driver should do next.
    public enum Action: Sendable, Equatable {
        /// Open a watch from this resourceVersion with this server-side timeout.
        case connect(resourceVersion: String?, timeoutSeconds: Int)
        /// Wait, then call `backoffElapsed`.
        case sleep(Duration)
        /// The version is too old (410): the caller must list again. Terminal.
        case relist
        /// A failure retrying cannot fix (e.g. 403, 404). Terminal.
        case fail
    }

    /// How a connection attempt or an open stream failed.
    public enum Failure: Sendable, Equatable {
        /// 410 Gone, by HTTP status or an `ERROR` event with code 410.
        case gone
        /// Worth retrying: 429, 5xx, transport errors, a dropped or garbled stream.
        case retryable(retryAfter: Duration?)
        case fatal
    }

    enum State: Sendable, Equatable {
        case idle
        case connecting
        case streaming(since: ContinuousClock.Instant, events: Int)
        case backingOff
        case finished
    }

    public let backoff: Backoff
    public private(set) var resourceVersion: String?
    /// Consecutive failed attempts since the last healthy period.
    public private(set) var failures = 0
    private(set) var state: State = .idle

    public init(resourceVersion: String?, backoff: Backoff = Backoff()) {
        self.resourceVersion = resourceVersion
        self.backoff = backoff
    }

    /// `timeoutSeconds` for a connection: uniform in 300...600 (`unitRandom` in [0, 1)), so
    /// many watchers do not reconnect in lockstep.
    public static func timeoutSeconds(unitRandom: Double) -> Int {
        min(600, 300 + Int(max(0, unitRandom) * 301))
    }

    public var isFinished: Bool { state == .finished }

    public mutating func start(unitRandom: Double) -> Action {
        precondition(state == .idle, "start() called twice")
        return connect(unitRandom: unitRandom)
    }

    /// The server accepted the watch (2xx and headers received).
    public mutating func connected(at now: ContinuousClock.Instant) {
        guard state == .connecting else { return }
        state = .streaming(since: now, events: 0)
    }

    /// An ADDED/MODIFIED/DELETED/BOOKMARK event arrived; resume from its version from now on.
    public mutating func received(resourceVersion version: String?, at now: ContinuousClock.Instant) {
        if let version, !version.isEmpty { resourceVersion = version }
        if case .streaming(let since, let events) = state {
            state = .streaming(since: since, events: events + 1)
        }
    }

    /// The server closed the stream cleanly (usually `timeoutSeconds`). Reconnect at once from
    /// the last version, unless the connection was useless (no events, under a second), which
    /// counts as a failure so a server closing every watch at once is not hammered.
    public mutating func streamEnded(at now: ContinuousClock.Instant, unitRandom: Double) -> Action {
        guard case .streaming(let since, let events) = state else { return .fail }
        let lifetime = now - since
        if lifetime >= backoff.resetAfter { failures = 0 }
        if events > 0 || lifetime >= .seconds(1) {
            return connect(unitRandom: unitRandom)
        }
        return backOff(retryAfter: nil, unitRandom: unitRandom)
    }

    /// Connecting failed, or the open stream broke or delivered an `ERROR` event.
    public mutating func failed(_ failure: Failure, at now: ContinuousClock.Instant, unitRandom: Double) -> Action {
        guard state != .finished else { return .fail }
        if case .streaming(let since, _) = state, now - since >= backoff.resetAfter {
            failures = 0
        }
        switch failure {
        case .gone:
            state = .finished
            return .relist
        case .fatal:
            state = .finished
            return .fail
        case .retryable(let retryAfter):
            return backOff(retryAfter: retryAfter, unitRandom: unitRandom)
        }
    }

    /// The backoff sleep is over.
    public mutating func backoffElapsed(unitRandom: Double) -> Action {
        guard state == .backingOff else { return .fail }
        return connect(unitRandom: unitRandom)
    }

    private mutating func connect(unitRandom: Double) -> Action {
        state = .connecting
        return .connect(resourceVersion: resourceVersion, timeoutSeconds: Self.timeoutSeconds(unitRandom: unitRandom))
    }

    private mutating func backOff(retryAfter: Duration?, unitRandom: Double) -> Action {
        var delay = backoff.delay(attempt: failures, unitRandom: unitRandom)
        if let retryAfter, retryAfter > delay { delay = min(retryAfter, backoff.maximum) }
        failures += 1
        state = .backingOff
        return .sleep(delay)
    }
}
