import Testing

@testable import KubeClient

@Suite("Watch state machine (pure)")
struct WatchStateMachineTests {
    let t0 = ContinuousClock.now

    @Test func timeoutIsChosenIn300To600() {
        #expect(WatchStateMachine.timeoutSeconds(unitRandom: 0) == 300)
        #expect(WatchStateMachine.timeoutSeconds(unitRandom: 0.5) == 450)
        #expect(WatchStateMachine.timeoutSeconds(unitRandom: 0.999_999) == 600)
        for step in 0..<100 {
            #expect((300...600).contains(WatchStateMachine.timeoutSeconds(unitRandom: Double(step) / 100)))
        }
    }

    @Test func backoffGrowsFrom800msTo30sWithJitterBounds() {
        let backoff = Backoff()
        #expect(backoff.delay(attempt: 0, unitRandom: 0) == .milliseconds(800), "lower jitter clamped to the floor")
        #expect(backoff.delay(attempt: 0, unitRandom: 0.5) == .milliseconds(800))
        #expect(backoff.delay(attempt: 0, unitRandom: 0.999) == .milliseconds(1199))
        #expect(backoff.delay(attempt: 1, unitRandom: 0.5) == .milliseconds(1600))
        #expect(backoff.delay(attempt: 3, unitRandom: 0.5) == .milliseconds(6400))
        #expect(backoff.delay(attempt: 3, unitRandom: 0) == .milliseconds(3200))
        #expect(backoff.delay(attempt: 6, unitRandom: 0.5) == .seconds(30), "51.2 s capped")
        #expect(backoff.delay(attempt: 200, unitRandom: 0.999) == .seconds(30))
        for attempt in 0..<20 {
            for draw in [0.0, 0.25, 0.5, 0.75, 0.999] {
                let delay = backoff.delay(attempt: attempt, unitRandom: draw)
                #expect(delay >= .milliseconds(800) && delay <= .seconds(30))
            }
        }
    }

    @Test func resumesFromTheLastSeenVersionIncludingBookmarks() {
        var machine = WatchStateMachine(resourceVersion: "10")
        #expect(machine.start(unitRandom: 0) == .connect(resourceVersion: "10", timeoutSeconds: 300))
        machine.connected(at: t0)
        machine.received(resourceVersion: "11", at: t0)
        machine.received(resourceVersion: "15", at: t0)  // a bookmark
        #expect(machine.resourceVersion == "15")
        #expect(machine.streamEnded(at: t0 + .seconds(400), unitRandom: 1.0 / 3) == .connect(resourceVersion: "15", timeoutSeconds: 400))
        machine.connected(at: t0 + .seconds(400))
        // A drop mid-stream: back off, then resume from the same version.
        #expect(machine.failed(.retryable(retryAfter: nil), at: t0 + .seconds(401), unitRandom: 0.5) == .sleep(.milliseconds(800)))
        #expect(machine.backoffElapsed(unitRandom: 0) == .connect(resourceVersion: "15", timeoutSeconds: 300))
    }

    @Test func consecutiveFailuresGrowAndHealthResetsAfterTwoMinutes() {
        var machine = WatchStateMachine(resourceVersion: "1")
        _ = machine.start(unitRandom: 0)
        var delays: [WatchStateMachine.Action] = []
        for _ in 0..<4 {
            delays.append(machine.failed(.retryable(retryAfter: nil), at: t0, unitRandom: 0.5))
            _ = machine.backoffElapsed(unitRandom: 0)
        }
        #expect(delays == [.sleep(.milliseconds(800)), .sleep(.milliseconds(1600)), .sleep(.milliseconds(3200)), .sleep(.milliseconds(6400))])
        // Connected for 119 s: not yet healthy enough, the backoff keeps growing.
        machine.connected(at: t0)
        #expect(machine.failed(.retryable(retryAfter: nil), at: t0 + .seconds(119), unitRandom: 0.5) == .sleep(.milliseconds(12800)))
        _ = machine.backoffElapsed(unitRandom: 0)
        // Connected for 2 minutes: reset.
        machine.connected(at: t0 + .seconds(200))
        #expect(machine.failed(.retryable(retryAfter: nil), at: t0 + .seconds(320), unitRandom: 0.5) == .sleep(.milliseconds(800)))
        #expect(machine.failures == 1)
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        var machine = WatchStateMachine(resourceVersion: "1")
        _ = machine.start(unitRandom: 0)
        #expect(machine.failed(.retryable(retryAfter: .seconds(5)), at: t0, unitRandom: 0.5) == .sleep(.seconds(5)))
        _ = machine.backoffElapsed(unitRandom: 0)
        #expect(machine.failed(.retryable(retryAfter: .seconds(300)), at: t0, unitRandom: 0.5) == .sleep(.seconds(30)))
    }

    @Test func goneAsksForARelistAndFatalStops() {
        var machine = WatchStateMachine(resourceVersion: "1")
        _ = machine.start(unitRandom: 0)
        machine.connected(at: t0)
        #expect(machine.failed(.gone, at: t0, unitRandom: 0) == .relist)
        #expect(machine.isFinished)
        #expect(machine.backoffElapsed(unitRandom: 0) == .fail, "no more actions once finished")

        var other = WatchStateMachine(resourceVersion: "1")
        _ = other.start(unitRandom: 0)
        #expect(other.failed(.fatal, at: t0, unitRandom: 0) == .fail)
    }

    @Test func anEmptyQuickCloseCountsAsAFailure() {
        var machine = WatchStateMachine(resourceVersion: "1")
        _ = machine.start(unitRandom: 0)
        machine.connected(at: t0)
        #expect(machine.streamEnded(at: t0 + .milliseconds(10), unitRandom: 0.5) == .sleep(.milliseconds(800)))
        _ = machine.backoffElapsed(unitRandom: 0)
        machine.connected(at: t0 + .seconds(1))
        machine.received(resourceVersion: "2", at: t0 + .seconds(1))
        #expect(machine.streamEnded(at: t0 + .seconds(1), unitRandom: 0) == .connect(resourceVersion: "2", timeoutSeconds: 300))
    }
}
