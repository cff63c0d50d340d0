import KubeModels
import Testing

@testable import ControllerRuntime

/// Random operation sequences against a simple model of what the queue owes each key.
@Suite struct WorkQueueStatePropertyTests {
    @Test(arguments: 0..<40)
    func randomInterleavingsKeepEveryRule(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let maxConcurrency = Int.random(in: 1...4, using: &rng)
        let keys = (0..<Int.random(in: 1...6, using: &rng)).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        var queue = WorkQueueState(maxConcurrency: maxConcurrency)
        var now = ContinuousClock.now
        // The earliest time each key is owed a run that has not started yet.
        var owed: [ObjectKey: ContinuousClock.Instant] = [:]
        var running: Set<ObjectKey> = []
        var failures: [ObjectKey: Int] = [:]
        var runs = 0

        func owe(_ key: ObjectKey, at due: ContinuousClock.Instant) {
            owed[key] = min(owed[key] ?? due, due)
        }

        func step(_ action: WorkQueueState.NextAction) {
            switch action {
            case let .run(key):
                #expect(!running.contains(key), "key \(key) handed out twice at once (seed \(seed))")
                #expect(running.count < maxConcurrency, "concurrency bound exceeded (seed \(seed))")
                #expect(owed[key].map { $0 <= now } == true, "run of \(key) nobody asked for yet (seed \(seed))")
                owed[key] = nil
                running.insert(key)
                runs += 1
            case let .wait(until: deadline):
                if running.count < maxConcurrency {
                    let idleOwed = owed.filter { !running.contains($0.key) }.map(\.value)
                    #expect(idleOwed.allSatisfy { $0 > now }, "a due key was not handed out (seed \(seed))")
                    #expect(deadline == idleOwed.min(), "wrong wake-up time (seed \(seed))")
                }
            case .finished:
                Issue.record("finished without shutdown (seed \(seed))")
            }
        }

        for _ in 0..<400 {
            let key = keys.randomElement(using: &rng)!
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<25:
                queue.add(key)
                owe(key, at: now)
            case 25..<40:
                let delay = Duration.milliseconds(Int.random(in: -5...200, using: &rng))
                queue.add(key, after: delay, now: now)
                owe(key, at: delay > .zero ? now + delay : now)
            case 40..<50:
                let attempt = failures[key, default: 0]
                failures[key] = attempt + 1
                let delay = queue.addRateLimited(key, now: now)
                #expect(delay == ExponentialBackoff.workQueue.delay(forAttempt: attempt))
                owe(key, at: now + delay)
            case 50..<55:
                queue.forget(key)
                failures[key] = nil
            case 55..<80:
                step(queue.next(now: now))
            case 80..<92:
                if let finished = running.randomElement(using: &rng) {
                    running.remove(finished)
                    queue.done(finished, now: now)
                }
            default:
                now = now + .milliseconds(Int.random(in: 0...60, using: &rng))
            }
            #expect(queue.inFlightCount == running.count)
            #expect(queue.failureCount(key) == failures[key, default: 0])
        }

        // Drain: finish everything and let time pass; every owed run must happen.
        var rounds = 0
        while !(owed.isEmpty && running.isEmpty), rounds < 10_000 {
            rounds += 1
            for key in running {
                running.remove(key)
                queue.done(key, now: now)
            }
            let action = queue.next(now: now)
            step(action)
            if case let .wait(until: deadline?) = action, running.isEmpty { now = deadline }
        }
        #expect(owed.isEmpty, "runs owed but never made: \(owed.keys.sorted()) (seed \(seed))")
        #expect(queue.next(now: now + .seconds(10_000)) == .wait(until: nil))
        #expect(runs > 0)
    }
}
