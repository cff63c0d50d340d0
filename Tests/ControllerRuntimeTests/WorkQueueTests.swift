import KubeModels
import Synchronization
import Testing

@testable import ControllerRuntime

@Suite(.timeLimit(.minutes(1))) struct WorkQueueTests {
    let key = ObjectKey(namespace: "ns", name: "k")

    @Test func delayedAddsWakeTheDriverAtTheEarliestDueTime() async throws {
        let clock = ManualClock()
        let t0 = clock.now
        let queue = WorkQueue(maxConcurrency: 2, clock: clock)
        let recorder = ReconcileRecorder(limit: 2)
        let run = Task { await queue.run { key in recorder.begin(key, at: clock.now); recorder.end(key) } }
        queue.add(key, after: .seconds(10))
        queue.add(key, after: .seconds(3))
        queue.add(key, after: .seconds(7))
        #expect(queue.metrics == WorkQueue.Metrics(depth: 0, delayed: 1, inFlight: 0))
        await clock.waitForSleepers()
        #expect(clock.nextDeadline == t0 + .seconds(3))
        clock.advance(by: .seconds(3))
        var calls = recorder.events.makeAsyncIterator()
        #expect(await calls.next()?.at == t0 + .seconds(3))
        // The later due times were superseded: nothing else runs.
        #expect(try await eventually { queue.metrics == idle })
        clock.advance(by: .seconds(30))
        try await Task.sleep(for: .milliseconds(5))
        #expect(recorder.calls.count == 1)
        queue.shutDown()
        await run.value
    }

    @Test func shutdownWithNothingQueuedReturnsAndLaterAddsAreIgnored() async {
        let queue = WorkQueue(maxConcurrency: 1, clock: ManualClock())
        let ran = Mutex(0)
        let run = Task { await queue.run { _ in ran.withLock { $0 += 1 } } }
        queue.shutDown()
        await run.value
        queue.add(key)
        #expect(queue.metrics == idle)
        #expect(ran.withLock { $0 } == 0)
    }

    @Test func cancellingRunCancelsInFlightWorkAndReturns() async throws {
        let queue = WorkQueue(maxConcurrency: 1, clock: ManualClock())
        let sawCancellation = Mutex(false)
        let started = Mutex(false)
        let run = Task {
            await queue.run { _ in
                started.withLock { $0 = true }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
                sawCancellation.withLock { $0 = true }
            }
        }
        queue.add(key)
        #expect(try await eventually { started.withLock { $0 } })
        run.cancel()
        await run.value
        #expect(sawCancellation.withLock { $0 })
        #expect(queue.metrics == idle)
    }

    @Test func rateLimitedAddsReportTheirBackoff() {
        let queue = WorkQueue(maxConcurrency: 1, clock: ManualClock())
        #expect(queue.addRateLimited(key) == .milliseconds(5))
        #expect(queue.addRateLimited(key) == .milliseconds(10))
        #expect(queue.failureCount(key) == 2)
        queue.forget(key)
        #expect(queue.failureCount(key) == 0)
    }
}
