import KubeModels
import Testing

@testable import ControllerRuntime

private let a = ObjectKey(namespace: "team", name: "a")
private let b = ObjectKey(namespace: "team", name: "b")
private let c = ObjectKey(namespace: nil, name: "c")

@Suite struct WorkQueueStateTests {
    let t0 = ContinuousClock.now

    @Test func duplicateAddsCollapse() {
        var queue = WorkQueueState(maxConcurrency: 4)
        queue.add(a)
        queue.add(a)
        queue.add(b)
        queue.add(a)
        #expect(queue.depth == 2)
        #expect(queue.next(now: t0) == .run(a))
        #expect(queue.next(now: t0) == .run(b))
        #expect(queue.next(now: t0) == .wait(until: nil))
    }

    @Test func readyKeysRunInFIFOOrder() {
        var queue = WorkQueueState(maxConcurrency: 10)
        let keys = (0..<100).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        for key in keys { queue.add(key) }
        var order: [ObjectKey] = []
        while case let .run(key) = queue.next(now: t0) { order.append(key) }
        #expect(order == Array(keys.prefix(10)))
        for key in order { queue.done(key, now: t0) }
        while case let .run(key) = queue.next(now: t0) {
            order.append(key)
            queue.done(key, now: t0)
        }
        #expect(order == keys)
    }

    @Test func aKeyAddedWhileProcessingRunsOnceMoreAfterDone() {
        var queue = WorkQueueState(maxConcurrency: 4)
        queue.add(a)
        #expect(queue.next(now: t0) == .run(a))
        queue.add(a)
        queue.add(a)
        // Never handed out while processing, even with free workers.
        #expect(queue.next(now: t0) == .wait(until: nil))
        #expect(queue.depth == 0)
        queue.done(a, now: t0)
        #expect(queue.depth == 1)
        #expect(queue.next(now: t0) == .run(a))
        queue.done(a, now: t0)
        #expect(queue.next(now: t0) == .wait(until: nil))
    }

    @Test func concurrencyIsBounded() {
        var queue = WorkQueueState(maxConcurrency: 2)
        for key in [a, b, c] { queue.add(key) }
        #expect(queue.next(now: t0) == .run(a))
        #expect(queue.next(now: t0) == .run(b))
        #expect(queue.next(now: t0) == .wait(until: nil))
        #expect(queue.inFlightCount == 2)
        #expect(queue.depth == 1)
        queue.done(b, now: t0)
        #expect(queue.next(now: t0) == .run(c))
    }

    @Test func delayedAddFallsDueAtItsTime() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a, after: .seconds(5), now: t0)
        #expect(queue.depth == 0)
        #expect(queue.delayedCount == 1)
        #expect(queue.next(now: t0) == .wait(until: t0 + .seconds(5)))
        #expect(queue.next(now: t0 + .milliseconds(4999)) == .wait(until: t0 + .seconds(5)))
        #expect(queue.next(now: t0 + .seconds(5)) == .run(a))
        #expect(queue.delayedCount == 0)
    }

    @Test(arguments: [
        // (first delay, second delay, expected due) in seconds: the earliest due time wins.
        (10, 3, 3), (3, 10, 3), (5, 5, 5),
    ])
    func earliestDueTimeWins(first: Int, second: Int, due: Int) {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a, after: .seconds(first), now: t0)
        queue.add(a, after: .seconds(second), now: t0)
        #expect(queue.dueTime(of: a) == t0 + .seconds(due))
        #expect(queue.next(now: t0 + .seconds(due) - .nanoseconds(1)) == .wait(until: t0 + .seconds(due)))
        #expect(queue.next(now: t0 + .seconds(due)) == .run(a))
        queue.done(a, now: t0 + .seconds(due))
        // The superseded later entry does not cause a second run.
        #expect(queue.next(now: t0 + .seconds(100)) == .wait(until: nil))
    }

    @Test func immediateAddOverridesADelayedOneAndDelayedAddOfAReadyKeyIsDropped() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a, after: .seconds(60), now: t0)
        queue.add(a)
        #expect(queue.delayedCount == 0)
        queue.add(a, after: .seconds(1), now: t0)
        #expect(queue.delayedCount == 0 && queue.depth == 1)
        #expect(queue.next(now: t0) == .run(a))
        queue.done(a, now: t0)
        #expect(queue.next(now: t0 + .seconds(120)) == .wait(until: nil))
    }

    @Test func zeroOrNegativeDelayIsAnImmediateAdd() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a, after: .zero, now: t0)
        queue.add(b, after: .seconds(-3), now: t0)
        #expect(queue.depth == 2)
    }

    @Test func delayedAddWhileProcessingRunsAfterDoneAtItsDueTime() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a)
        #expect(queue.next(now: t0) == .run(a))
        queue.add(a, after: .seconds(30), now: t0)
        queue.add(a, after: .seconds(10), now: t0)
        queue.done(a, now: t0 + .seconds(1))
        #expect(queue.next(now: t0 + .seconds(1)) == .wait(until: t0 + .seconds(10)))
        #expect(queue.next(now: t0 + .seconds(10)) == .run(a))
        queue.done(a, now: t0 + .seconds(10))
        #expect(queue.next(now: t0 + .seconds(40)) == .wait(until: nil))
    }

    @Test func delayedRerunAlreadyDueAtDoneIsReady() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a)
        _ = queue.next(now: t0)
        queue.add(a, after: .seconds(1), now: t0)
        queue.done(a, now: t0 + .seconds(2))
        #expect(queue.depth == 1)
    }

    @Test func immediateAddWhileProcessingBeatsAPendingDelayedRerun() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.add(a)
        _ = queue.next(now: t0)
        queue.add(a, after: .seconds(100), now: t0)
        queue.add(a)
        queue.done(a, now: t0)
        #expect(queue.next(now: t0) == .run(a))
    }

    @Test func rateLimitedBackoffSequenceAndForget() {
        var queue = WorkQueueState(maxConcurrency: 1)
        var now = t0
        var delays: [Duration] = []
        for _ in 0..<20 {
            queue.add(a)
            guard case .run(a) = queue.next(now: now) else {
                Issue.record("expected a to run")
                return
            }
            delays.append(queue.addRateLimited(a, now: now))
            queue.done(a, now: now)
            guard case let .wait(until: due?) = queue.next(now: now) else {
                Issue.record("expected a delayed retry")
                return
            }
            #expect(due == now + delays.last!)
            now = due
        }
        let expected: [Duration] = (0..<18).map { .milliseconds(5) * (1 << $0) } + [.seconds(1000), .seconds(1000)]
        #expect(delays == expected)
        #expect(queue.failureCount(a) == 20)
        queue.forget(a)
        #expect(queue.failureCount(a) == 0)
        #expect(queue.addRateLimited(a, now: now) == .milliseconds(5))
        // Failures are per key.
        #expect(queue.addRateLimited(b, now: now) == .milliseconds(5))
        #expect(queue.addRateLimited(b, now: now) == .milliseconds(10))
        #expect(queue.failureCount(a) == 1)
    }

    @Test func shutdownDrainsInFlightAndRejectsNewWork() {
        var queue = WorkQueueState(maxConcurrency: 2)
        for key in [a, b, c] { queue.add(key) }
        queue.add(c, after: .seconds(1), now: t0)
        #expect(queue.next(now: t0) == .run(a))
        queue.add(a)
        queue.shutDown()
        #expect(queue.depth == 0 && queue.delayedCount == 0)
        queue.add(b)
        queue.add(c, after: .seconds(1), now: t0)
        #expect(queue.depth == 0 && queue.delayedCount == 0)
        #expect(queue.next(now: t0) == .wait(until: nil))
        queue.done(a, now: t0)
        // The rerun requested before shutdown is dropped.
        #expect(queue.next(now: t0) == .finished)
        #expect(queue.next(now: t0 + .seconds(5)) == .finished)
    }

    @Test func doneOfAnUnknownKeyIsIgnored() {
        var queue = WorkQueueState(maxConcurrency: 1)
        queue.done(a, now: t0)
        #expect(queue.inFlightCount == 0)
        #expect(queue.next(now: t0) == .wait(until: nil))
    }
}
