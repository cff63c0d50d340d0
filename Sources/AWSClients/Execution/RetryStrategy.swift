import Foundation

/// AWS "standard" retry mode settings: how many attempts, how long to back off, and the
/// sources of randomness and sleep, injectable so tests can check delays without waiting.
public struct RetryStrategy: Sendable {
    /// Attempts per call, the first one included.
    public var maxAttempts: Int
    /// Cap of the exponential backoff.
    public var maxBackoff: Duration
    /// Capacity of the retry quota created for each client.
    public var quotaCapacity: Int
    /// Uniform random number in [0, 1).
    public var random: @Sendable () -> Double
    /// Waits between attempts; throws when the calling task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxAttempts: Int = 3,
        maxBackoff: Duration = .seconds(20),
        quotaCapacity: Int = RetryQuota.defaultCapacity,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxBackoff = maxBackoff
        self.quotaCapacity = quotaCapacity
        self.random = random
        self.sleep = sleep
    }

    /// The standard mode defaults: 3 attempts, backoff capped at 20 s, a quota of 500.
    public static var standard: RetryStrategy { RetryStrategy() }

    /// Delay before retry number `retryIndex` (0 for the first retry):
    /// `rand() * min(2^retryIndex seconds, maxBackoff)`.
    public func backoff(retryIndex: Int) -> Duration {
        Self.backoffCeiling(retryIndex: retryIndex, maxBackoff: maxBackoff) * clampedRandom()
    }

    /// Upper bound of the delay before retry number `retryIndex`.
    public static func backoffCeiling(retryIndex: Int, maxBackoff: Duration = .seconds(20)) -> Duration {
        let exponent = min(max(0, retryIndex), 30)
        let ceiling = Duration.seconds(1 << exponent)
        return min(ceiling, maxBackoff)
    }

    private func clampedRandom() -> Double {
        let value = random()
        guard value.isFinite else { return 0 }
        return min(max(value, 0), 1)
    }
}
