import Testing

@testable import ControllerRuntime

@Suite struct ResyncScheduleTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func delaysStayWithinTenPercentAndCoverTheRange(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let schedule = ResyncSchedule(period: .seconds(300))
        let delays = (0..<5000).map { _ in schedule.nextDelay(using: &rng) }
        #expect(delays.allSatisfy { $0 >= .seconds(270) && $0 <= .seconds(330) })
        let seconds = delays.map(\.secondsDouble)
        #expect(seconds.min()! < 272 && seconds.max()! > 328, "jitter should use the whole ±10%")
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        #expect(abs(mean - 300) < 3)
    }

    @Test func sameSeedSameDelays() {
        var first = SeededGenerator(seed: 5)
        var second = SeededGenerator(seed: 5)
        let schedule = ResyncSchedule(period: .seconds(60))
        #expect((0..<10).map { _ in schedule.nextDelay(using: &first) } == (0..<10).map { _ in schedule.nextDelay(using: &second) })
    }

    @Test func zeroJitterIsExact() {
        var rng = SeededGenerator(seed: 1)
        #expect(ResyncSchedule(period: .seconds(60), jitter: 0).nextDelay(using: &rng) == .seconds(60))
        #expect(ResyncSchedule(period: .seconds(60), jitter: 5).jitter == 1)
    }
}
