import Testing

@testable import ControllerRuntime

/// The shared IAM request budget: a token bucket that never lets more than `burst + rate * T`
/// requests through in any window of length T, serves waiting writes before waiting reads, and
/// forgets a waiter that gave up.
@Suite struct RequestBudgetTests {
    let origin = ContinuousClock.now

    @Test func grantsTheBurstAtOnceThenOnePerToken() {
        var budget = RequestBudgetState(ratePerSecond: 2, burst: 2, now: origin)
        #expect(budget.request(1, priority: .read, now: origin).granted == [1])
        #expect(budget.request(2, priority: .read, now: origin).granted == [2])
        let third = budget.request(3, priority: .read, now: origin)
        #expect(third.granted.isEmpty)
        #expect(third.wakeUp == origin + .milliseconds(500))
        #expect(budget.wakeUp(now: origin + .milliseconds(499)).granted.isEmpty)
        #expect(budget.wakeUp(now: origin + .milliseconds(500)).granted == [3])
        #expect(budget.waiting == 0)
    }

    @Test func waitingWritesGoBeforeWaitingReads() {
        var budget = RequestBudgetState(ratePerSecond: 1, burst: 1, now: origin)
        #expect(budget.request(1, priority: .read, now: origin).granted == [1])
        #expect(budget.request(2, priority: .read, now: origin).granted.isEmpty)
        #expect(budget.request(3, priority: .read, now: origin).granted.isEmpty)
        #expect(budget.request(4, priority: .write, now: origin + .milliseconds(10)).granted.isEmpty)
        #expect(budget.wakeUp(now: origin + .seconds(1)).granted == [4])
        #expect(budget.wakeUp(now: origin + .seconds(2)).granted == [2])
        #expect(budget.wakeUp(now: origin + .seconds(3)).granted == [3])
    }

    @Test func aCancelledWaiterUsesNoToken() {
        var budget = RequestBudgetState(ratePerSecond: 1, burst: 1, now: origin)
        _ = budget.request(1, priority: .write, now: origin)
        _ = budget.request(2, priority: .write, now: origin)
        _ = budget.request(3, priority: .read, now: origin)
        #expect(budget.cancel(2, now: origin).granted.isEmpty)
        #expect(budget.waiting == 1)
        #expect(budget.wakeUp(now: origin + .seconds(1)).granted == [3])
    }

    @Test func aQuietSpellRefillsOnlyUpToTheBurst() {
        var budget = RequestBudgetState(ratePerSecond: 10, burst: 3, now: origin)
        let later = origin + .seconds(60)
        let granted = (1...5).flatMap { budget.request(UInt64($0), priority: .read, now: later).granted }
        #expect(granted == [1, 2, 3])
    }

    /// Random arrivals of both priorities, woken exactly when the state machine asks: every
    /// request is granted, never more than `burst + rate * T` in any window of length T, and no
    /// read is granted while a write that arrived earlier waits.
    @Test(arguments: 0..<30)
    func neverExceedsItsRateInAnyWindow(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let rate = Double(Int.random(in: 1...20, using: &rng))
        let burst = Double(Int.random(in: 1...5, using: &rng))
        var budget = RequestBudgetState(ratePerSecond: rate, burst: burst, now: origin)
        var arrivals: [(at: Duration, id: UInt64, priority: RequestBudgetState.Priority)] = []
        var offset = Duration.zero
        for id in 0..<UInt64(200) {
            offset += .milliseconds(Int.random(in: 0...(Int(2000 / rate)), using: &rng))
            arrivals.append((offset, id, Bool.random(using: &rng) ? .write : .read))
        }
        var grants: [(at: ContinuousClock.Instant, id: UInt64)] = []
        var waitingWrites: [UInt64: ContinuousClock.Instant] = [:]
        var priorities: [UInt64: RequestBudgetState.Priority] = [:]
        var wakeUp: ContinuousClock.Instant?
        var next = 0
        func record(_ actions: RequestBudgetState.Actions, at now: ContinuousClock.Instant) {
            for id in actions.granted {
                if priorities[id] == .read {
                    #expect(waitingWrites.isEmpty, "read \(id) granted while writes \(waitingWrites.keys.sorted()) waited (seed \(seed))")
                }
                waitingWrites[id] = nil
                grants.append((now, id))
            }
            wakeUp = actions.wakeUp
        }
        while next < arrivals.count || budget.waiting > 0 {
            let arrival = next < arrivals.count ? origin + arrivals[next].at : nil
            if let wake = wakeUp, arrival.map({ wake < $0 }) ?? true {
                record(budget.wakeUp(now: wake), at: wake)
            } else if let arrival {
                let request = arrivals[next]
                next += 1
                priorities[request.id] = request.priority
                if request.priority == .write { waitingWrites[request.id] = arrival }
                record(budget.request(request.id, priority: request.priority, now: arrival), at: arrival)
            } else {
                Issue.record("requests wait with no wake-up scheduled (seed \(seed))")
                break
            }
        }
        #expect(Set(grants.map(\.id)).count == arrivals.count, "not every request was granted (seed \(seed))")
        for (index, first) in grants.enumerated() {
            for later in grants[index...] {
                let window = first.at.duration(to: later.at)
                let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
                let count = grants[index...].prefix { $0.at <= later.at }.count
                #expect(Double(count) <= burst + rate * seconds + 1e-6, "\(count) grants in \(window) (seed \(seed))")
                if seconds > 3 { break }
            }
        }
    }

    @Test func theDriverResumesWaitersAsTheClockAdvances() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(ratePerSecond: 1, burst: 1, clock: clock)
        try await budget.acquire(.write)
        let second = Task { try await budget.acquire(.read) }
        await clock.waitForSleepers(count: 1)
        #expect(budget.counts.granted == 1)
        clock.advance(by: .seconds(1))
        try await second.value
        #expect(budget.counts == (granted: 2, waited: 1))

        // A waiter cancelled before its token arrives throws and leaves the queue.
        let cancelled = Task { try await budget.acquire(.read) }
        await clock.waitForSleepers(count: 1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        clock.advance(by: .seconds(1))
        try await budget.acquire(.write)
        #expect(budget.counts.granted == 3)
    }
}
