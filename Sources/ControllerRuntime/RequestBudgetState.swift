/// The pure state of a shared request budget (docs/design.md section 12, `iamRequestsPerSecond`):
/// a token bucket refilled at `ratePerSecond` up to `burst`, and two FIFO queues of waiters.
/// Writes are served before reads whenever both wait, so the operator's own convergence never
/// queues behind a drift pass's reads. Inputs are instants, outputs are actions (who may go now,
/// when to look again); the driver (`RequestBudget`) does the waiting. In any window of length T
/// it grants at most `burst + ratePerSecond * T` requests.
public struct RequestBudgetState: Sendable {
    /// Which queue a request waits in.
    public enum Priority: Sendable, Hashable {
        /// Changes (and the reads a reconcile needs to make them): served first.
        case write
        /// Bulk or drift reads: served when no write waits.
        case read
    }

    /// What the driver must do after an input.
    public struct Actions: Sendable, Equatable {
        /// Waiters that may send their request now, in grant order.
        public var granted: [UInt64] = []
        /// When the next waiter can be granted, if any waits.
        public var wakeUp: ContinuousClock.Instant?
    }

    public let ratePerSecond: Double
    public let burst: Double
    private var tokens: Double
    private var updatedAt: ContinuousClock.Instant
    private var writes: [UInt64] = []
    private var reads: [UInt64] = []
    private var writeHead = 0
    private var readHead = 0

    /// - Parameters:
    ///   - ratePerSecond: sustained requests per second (> 0).
    ///   - burst: requests that may go at once after a quiet spell (>= 1); the bucket starts full.
    public init(ratePerSecond: Double, burst: Double, now: ContinuousClock.Instant) {
        self.ratePerSecond = max(ratePerSecond, .leastNonzeroMagnitude)
        self.burst = max(burst, 1)
        self.tokens = max(burst, 1)
        self.updatedAt = now
    }

    /// How many wait, in both queues.
    public var waiting: Int { (writes.count - writeHead) + (reads.count - readHead) }

    /// A request asks to go; it is granted at once when a token is free and nobody waits before it.
    public mutating func request(_ id: UInt64, priority: Priority, now: ContinuousClock.Instant) -> Actions {
        switch priority {
        case .write: writes.append(id)
        case .read: reads.append(id)
        }
        return drain(now: now)
    }

    /// The driver's timer fired (or anything else woke it): grant what the refill allows.
    public mutating func wakeUp(now: ContinuousClock.Instant) -> Actions {
        drain(now: now)
    }

    /// A waiter gave up (its task was cancelled); it leaves its queue without using a token.
    public mutating func cancel(_ id: UInt64, now: ContinuousClock.Instant) -> Actions {
        if let index = writes[writeHead...].firstIndex(of: id) {
            writes.remove(at: index)
        } else if let index = reads[readHead...].firstIndex(of: id) {
            reads.remove(at: index)
        }
        return drain(now: now)
    }

    private mutating func drain(now: ContinuousClock.Instant) -> Actions {
        refill(now: now)
        var actions = Actions()
        while tokens >= 1, let next = popNext() {
            tokens -= 1
            actions.granted.append(next)
        }
        compact()
        if waiting > 0 {
            let seconds = (1 - tokens) / ratePerSecond
            actions.wakeUp = updatedAt + .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
        }
        return actions
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard now > updatedAt else { return }
        let elapsed = updatedAt.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * ratePerSecond)
        updatedAt = now
    }

    private mutating func popNext() -> UInt64? {
        if writeHead < writes.count {
            defer { writeHead += 1 }
            return writes[writeHead]
        }
        if readHead < reads.count {
            defer { readHead += 1 }
            return reads[readHead]
        }
        return nil
    }

    /// Drops served entries once they are most of a queue, so the queues stay O(waiting).
    private mutating func compact() {
        if writeHead > 64 && writeHead * 2 > writes.count {
            writes.removeFirst(writeHead)
            writeHead = 0
        }
        if readHead > 64 && readHead * 2 > reads.count {
            reads.removeFirst(readHead)
            readHead = 0
        }
    }
}
