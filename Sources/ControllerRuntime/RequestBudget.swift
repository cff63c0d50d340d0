import Synchronization

/// The driver of `RequestBudgetState`: callers `await acquire(priority)` before each request and
/// are resumed in the state machine's order as tokens refill; one timer task at a time sleeps on
/// the `RuntimeClock` until the next grant is due. A cancelled caller leaves the queue at once
/// and throws `CancellationError`.
public final class RequestBudget: Sendable {
    private struct State {
        var machine: RequestBudgetState
        var nextID: UInt64 = 0
        var continuations: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        /// Cancelled before its continuation was stored.
        var cancelledEarly: Set<UInt64> = []
        var timerDeadline: ContinuousClock.Instant?
        var grantedTotal = 0
        var waitedTotal = 0
    }

    private let clock: any RuntimeClock
    private let state: Mutex<State>

    public init(ratePerSecond: Double, burst: Double, clock: any RuntimeClock = SystemClock()) {
        self.clock = clock
        self.state = Mutex(State(machine: RequestBudgetState(ratePerSecond: ratePerSecond, burst: burst, now: clock.now)))
    }

    /// Requests waiting for a token now.
    public var waiting: Int { state.withLock { $0.machine.waiting } }

    /// Requests granted so far, and how many of them had to wait (for metrics).
    public var counts: (granted: Int, waited: Int) { state.withLock { ($0.grantedTotal, $0.waitedTotal) } }

    /// Waits until the budget lets one request of `priority` go.
    public func acquire(_ priority: RequestBudgetState.Priority) async throws {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now = clock.now
                let outcome = state.withLock { state -> (cancelled: Bool, resume: [CheckedContinuation<Void, any Error>], timer: ContinuousClock.Instant?) in
                    if state.cancelledEarly.remove(id) != nil { return (true, [], nil) }
                    state.continuations[id] = continuation
                    let actions = state.machine.request(id, priority: priority, now: now)
                    if !actions.granted.contains(id) { state.waitedTotal += 1 }
                    let (resume, timer) = apply(actions, to: &state)
                    return (false, resume, timer)
                }
                if outcome.cancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                for waiter in outcome.resume { waiter.resume() }
                if let timer = outcome.timer { startTimer(at: timer) }
            }
        } onCancel: {
            let now = clock.now
            let (cancelled, resume, timer) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, [CheckedContinuation<Void, any Error>], ContinuousClock.Instant?) in
                guard let continuation = state.continuations.removeValue(forKey: id) else {
                    state.cancelledEarly.insert(id)
                    return (nil, [], nil)
                }
                let actions = state.machine.cancel(id, now: now)
                let (resume, timer) = apply(actions, to: &state)
                return (continuation, resume, timer)
            }
            cancelled?.resume(throwing: CancellationError())
            for waiter in resume { waiter.resume() }
            if let timer { startTimer(at: timer) }
        }
    }

    /// Takes the granted continuations out of the table; returns them and a timer deadline to
    /// start when none is pending for that instant or earlier.
    private func apply(
        _ actions: RequestBudgetState.Actions, to state: inout State
    ) -> ([CheckedContinuation<Void, any Error>], ContinuousClock.Instant?) {
        var resume: [CheckedContinuation<Void, any Error>] = []
        for granted in actions.granted {
            state.grantedTotal += 1
            if let continuation = state.continuations.removeValue(forKey: granted) { resume.append(continuation) }
        }
        guard let wakeUp = actions.wakeUp else { return (resume, nil) }
        if let pending = state.timerDeadline, pending <= wakeUp { return (resume, nil) }
        state.timerDeadline = wakeUp
        return (resume, wakeUp)
    }

    /// One short-lived task per pending grant instant: it sleeps at most until the next token
    /// (1/rate seconds), grants, and ends; the state machine decides everything else.
    private func startTimer(at deadline: ContinuousClock.Instant) {
        Task { [clock] in
            try? await clock.sleep(until: deadline)
            let now = clock.now
            let (resume, timer) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], ContinuousClock.Instant?) in
                if state.timerDeadline == deadline { state.timerDeadline = nil }
                return apply(state.machine.wakeUp(now: now), to: &state)
            }
            for waiter in resume { waiter.resume() }
            if let timer { startTimer(at: timer) }
        }
    }
}
