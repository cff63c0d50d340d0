import AWSClients
import Foundation
import Synchronization

/// Records what the retry loop drew and slept, with no real waiting, so tests can check each
/// delay against `rand() * min(2^attempt, 20s)` exactly.
final class RetryRecorder: Sendable {
    private let draws = Mutex<[Double]>([])
    private let sleeps = Mutex<[Duration]>([])

    var randomDraws: [Double] { draws.withLock { $0 } }
    var delays: [Duration] { sleeps.withLock { $0 } }

    /// The standard strategy with recorded randomness and an instant sleep.
    func strategy(maxAttempts: Int = 3, quotaCapacity: Int = RetryQuota.defaultCapacity) -> RetryStrategy {
        RetryStrategy(
            maxAttempts: maxAttempts, quotaCapacity: quotaCapacity,
            random: { [self] in
                let value = Double.random(in: 0..<1)
                draws.withLock { $0.append(value) }
                return value
            },
            sleep: { [self] delay in sleeps.withLock { $0.append(delay) } })
    }
}
