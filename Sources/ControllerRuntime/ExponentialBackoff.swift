/// A retry delay policy and its attempt counter as a plain value: `initial * multiplier^attempts`,
/// capped at `maximum`, optionally jittered, and reset after a quiet spell. The work queue uses it
/// per key (5 ms .. 1000 s, no jitter) and a watcher uses it between reconnects (0.8 s .. 30 s).
public struct ExponentialBackoff: Sendable, Equatable {
    /// Delay before the first retry.
    public var initial: Duration
    /// Upper bound of any delay, jitter included.
    public var maximum: Duration
    /// Growth per consecutive failure.
    public var multiplier: Double
    /// Relative spread of the jitter: a delay `d` becomes uniform in `d * (1 ± jitter)`, then
    /// clamped to `initial ... maximum`. Zero disables jitter.
    public var jitter: Double
    /// When the last failure is at least this long ago, the next failure starts over at `initial`.
    public var resetAfter: Duration?

    /// Consecutive failures counted so far.
    public private(set) var attempts: Int = 0
    /// When `next` was last called.
    public private(set) var lastFailure: ContinuousClock.Instant?

    public init(initial: Duration, maximum: Duration, multiplier: Double = 2, jitter: Double = 0, resetAfter: Duration? = nil) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.multiplier = max(1, multiplier)
        self.jitter = min(max(jitter, 0), 1)
        self.resetAfter = resetAfter
    }

    /// Per-key work queue retries, as client-go's item rate limiter: 5 ms doubling to 1000 s.
    public static let workQueue = ExponentialBackoff(initial: .milliseconds(5), maximum: .seconds(1000))

    /// Watch reconnects, as kube-rs's default: 0.8 s doubling to 30 s, ±50% jitter,
    /// forgotten after 2 minutes without failure.
    public static let watcher = ExponentialBackoff(
        initial: .milliseconds(800), maximum: .seconds(30), jitter: 0.5, resetAfter: .seconds(120)
    )

    /// The unjittered delay after `failures` consecutive failures (the first failure is 0).
    public func delay(forAttempt failures: Int) -> Duration {
        // Growing by repeated multiplication stops as soon as the cap is reached, so huge
        // attempt counts neither overflow nor loop long. Integral multipliers stay exact.
        guard initial > .zero else { return .zero }
        let integralMultiplier = Int(exactly: multiplier)
        var delay = initial
        var step = 0
        while step < failures && delay < maximum {
            if let integralMultiplier {
                delay *= integralMultiplier
            } else {
                delay = delay * multiplier
            }
            step += 1
        }
        return min(delay, maximum)
    }

    /// The delay for the next retry, counting one more failure at `now`.
    public mutating func next(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) -> Duration {
        if let resetAfter, let lastFailure, lastFailure.duration(to: now) >= resetAfter {
            attempts = 0
        }
        let base = delay(forAttempt: attempts)
        attempts += 1
        lastFailure = now
        return jittered(base, using: &generator)
    }

    /// Forgets all failures (after a success).
    public mutating func reset() {
        attempts = 0
        lastFailure = nil
    }

    /// `base` spread by `jitter` and clamped to `initial ... maximum`.
    public func jittered(_ base: Duration, using generator: inout some RandomNumberGenerator) -> Duration {
        guard jitter > 0 else { return base }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &generator)
        let seconds = min(max(base.secondsDouble * factor, initial.secondsDouble), maximum.secondsDouble)
        return .seconds(seconds)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
