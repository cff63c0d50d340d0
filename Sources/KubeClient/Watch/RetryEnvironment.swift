/// The clock, sleeper and random source the watch and reflector loops use; injected so tests
/// record the backoff sleeps instead of waiting for them.
public struct RetryEnvironment: Sendable {
    public var now: @Sendable () -> ContinuousClock.Instant
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniform draw in [0, 1).
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// The real clock and `Task.sleep`.
    public static let live = RetryEnvironment(
        now: { ContinuousClock.now },
        sleep: { duration in try await Task.sleep(for: duration) },
        random: { Double.random(in: 0..<1) }
    )
}
