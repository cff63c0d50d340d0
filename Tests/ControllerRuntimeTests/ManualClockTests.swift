import Testing

@testable import ControllerRuntime

@Suite struct ManualClockTests {
    @Test func sleepersResumeOnlyWhenTimeReachesTheirDeadline() async throws {
        let clock = ManualClock()
        let start = clock.now
        let woke = AsyncRecorder<Int>()
        let sleepers = [3, 1, 2].map { seconds in
            Task {
                try await clock.sleep(for: .seconds(seconds))
                await woke.append(seconds)
            }
        }
        await clock.waitForSleepers(count: 3)
        clock.advance(by: .milliseconds(999))
        #expect(clock.sleeperCount == 3)
        clock.advance(by: .milliseconds(1))
        try await sleepers[1].value
        #expect(await woke.values == [1])
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(5))
        for sleeper in sleepers { try await sleeper.value }
        #expect(Set(await woke.values) == [1, 2, 3])
        #expect(clock.now == start + .seconds(6))
    }

    @Test func pastDeadlineReturnsImmediately() async throws {
        let clock = ManualClock()
        try await clock.sleep(until: clock.now)
        try await clock.sleep(for: .seconds(-1))
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellationRemovesTheSleeper() async {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeperCount == 0)
    }

    @Test func advanceToNextDeadlineJumpsToTheEarliestSleeper() async throws {
        let clock = ManualClock()
        let start = clock.now
        let sleeper = Task { try await clock.sleep(for: .seconds(7)) }
        await clock.waitForSleepers()
        #expect(clock.nextDeadline == start + .seconds(7))
        #expect(clock.advanceToNextDeadline())
        try await sleeper.value
        #expect(clock.now == start + .seconds(7))
        #expect(!clock.advanceToNextDeadline())
    }
}

/// Collects values from concurrent tasks in order of arrival.
actor AsyncRecorder<Value: Sendable> {
    private(set) var values: [Value] = []
    func append(_ value: Value) { values.append(value) }
}
