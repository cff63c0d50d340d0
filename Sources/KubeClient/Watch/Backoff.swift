/// Jittered exponential backoff between failed watch or list attempts: 0.8 s growing ×2 up to
/// 30 s, each delay jittered by ±50 % and kept within those bounds, and reset once a connection
/// has stayed healthy for two minutes. Pure: the random draw is an input.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// A connection healthy for this long resets the attempt count.
    public var resetAfter: Duration

    public init(
        initial: Duration = .milliseconds(800),
        maximum: Duration = .seconds(30),
        multiplier: Double = 2,
        resetAfter: Duration = .seconds(120)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.resetAfter = resetAfter
    }

    /// The delay before retry number `attempt` (0 for the first retry); `unitRandom` in [0, 1).
    public func delay(attempt: Int, unitRandom: Double) -> Duration {
        let initialSeconds = Self.seconds(initial)
        let maximumSeconds = Self.seconds(maximum)
        let exponent = Double(min(max(attempt, 0), 63))
        let base = min(maximumSeconds, initialSeconds * pow(multiplier, exponent))
        let jittered = base * (0.5 + min(max(unitRandom, 0), 1))
        return .milliseconds(Int64((min(maximumSeconds, max(initialSeconds, jittered)) * 1000).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= base
            remaining -= 1
            if result > 1e12 { break }
        }
        return result
    }
}
