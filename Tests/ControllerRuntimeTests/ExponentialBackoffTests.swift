import Testing

@testable import ControllerRuntime

@Suite struct ExponentialBackoffTests {
    @Test func workQueueSequenceDoublesFrom5msAndCapsAt1000s() {
        let backoff = ExponentialBackoff.workQueue
        let expected: [(Int, Duration)] = [
            (0, .milliseconds(5)), (1, .milliseconds(10)), (2, .milliseconds(20)), (3, .milliseconds(40)),
            (4, .milliseconds(80)), (10, .milliseconds(5120)), (17, .milliseconds(655_360)),
            (18, .seconds(1000)), (19, .seconds(1000)), (1_000_000, .seconds(1000)), (Int.max, .seconds(1000)),
        ]
        for (attempt, delay) in expected {
            #expect(backoff.delay(forAttempt: attempt) == delay, "attempt \(attempt)")
        }
    }

    @Test func nextCountsAttemptsAndResetStartsOver() {
        var backoff = ExponentialBackoff.workQueue
        var rng = SeededGenerator(seed: 1)
        let t0 = ContinuousClock.now
        let delays = (0..<4).map { _ in backoff.next(now: t0, using: &rng) }
        #expect(delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40)])
        #expect(backoff.attempts == 4)
        backoff.reset()
        #expect(backoff.next(now: t0, using: &rng) == .milliseconds(5))
    }

    @Test func watcherJitterStaysWithinBoundsAndVaries() {
        var rng = SeededGenerator(seed: 42)
        let policy = ExponentialBackoff.watcher
        var seen: Set<Duration> = []
        for attempt in 0..<12 {
            let base = policy.delay(forAttempt: attempt)
            for _ in 0..<50 {
                let delay = policy.jittered(base, using: &rng)
                #expect(delay >= .milliseconds(800) && delay <= .seconds(30))
                #expect(delay >= base * 0.5 && delay <= base * 1.5)
                seen.insert(delay)
            }
        }
        #expect(seen.count > 100, "jitter should spread delays")
        #expect(policy.delay(forAttempt: 6) == .seconds(30))
    }

    @Test func watcherResetsAfterTwoMinutesOfHealth() {
        var backoff = ExponentialBackoff(initial: .milliseconds(800), maximum: .seconds(30), resetAfter: .seconds(120))
        var rng = SeededGenerator(seed: 7)
        let t0 = ContinuousClock.now
        #expect(backoff.next(now: t0, using: &rng) == .milliseconds(800))
        #expect(backoff.next(now: t0 + .seconds(1), using: &rng) == .milliseconds(1600))
        // Less than two minutes since the last failure: keeps growing.
        #expect(backoff.next(now: t0 + .seconds(100), using: &rng) == .milliseconds(3200))
        // Two minutes after the last failure: starts over.
        #expect(backoff.next(now: t0 + .seconds(220), using: &rng) == .milliseconds(800))
        #expect(backoff.attempts == 1)
    }

    @Test func nonIntegralMultiplierAndZeroInitial() {
        let slow = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(10), multiplier: 1.5)
        #expect(slow.delay(forAttempt: 2) == .seconds(2.25))
        #expect(slow.delay(forAttempt: 50) == .seconds(10))
        let zero = ExponentialBackoff(initial: .zero, maximum: .seconds(1))
        #expect(zero.delay(forAttempt: Int.max) == .zero)
    }
}
