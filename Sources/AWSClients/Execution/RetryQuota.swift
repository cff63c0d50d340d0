import Synchronization

/// The standard retry mode's token bucket, shared by every call of one client: each retry
/// spends tokens, successes put them back, so a failing service sees retries dry up instead
/// of a client multiplying its load by three.
public final class RetryQuota: Sendable {
    public static let defaultCapacity = 500
    /// Tokens a retry costs.
    public static let retryCost = 5
    /// Tokens a retry after a timeout costs.
    public static let timeoutRetryCost = 10
    /// Tokens a success on the first attempt puts back.
    public static let noRetryIncrement = 1

    public let capacity: Int
    private let tokens: Mutex<Int>

    public init(capacity: Int = RetryQuota.defaultCapacity) {
        self.capacity = capacity
        self.tokens = Mutex(capacity)
    }

    /// Tokens currently available.
    public var available: Int { tokens.withLock { $0 } }

    /// Takes `cost` tokens for one retry; `false` (and nothing taken) when the bucket holds fewer.
    public func acquire(_ cost: Int) -> Bool {
        tokens.withLock { available in
            guard available >= cost else { return false }
            available -= cost
            return true
        }
    }

    /// Returns tokens after a success, never above capacity.
    public func release(_ amount: Int) {
        tokens.withLock { available in
            available = min(capacity, available + amount)
        }
    }
}
