/// When periodic resync fires next: every `period`, spread by a random factor within
/// `±jitter` so many operators (or many controllers) do not resync in lockstep.
public struct ResyncSchedule: Sendable, Equatable {
    public var period: Duration
    /// Relative spread, 0 ... 1; 0.1 means ±10%.
    public var jitter: Double

    public init(period: Duration, jitter: Double = 0.1) {
        self.period = max(period, .zero)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay until the next resync.
    public func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        guard jitter > 0 else { return period }
        return period * (1 + Double.random(in: -jitter...jitter, using: &generator))
    }
}
