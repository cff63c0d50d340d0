import KubeModels
import Synchronization
import Testing

@testable import ControllerRuntime

private let a = ObjectKey(namespace: "team", name: "a")
private let b = ObjectKey(namespace: "team", name: "b")

/// A reconciler that returns scripted results per call (then `.done`) and records calls.
private final class ScriptedReconciler: Reconciler {
    let recorder: ReconcileRecorder
    let clock: any RuntimeClock
    private let script: Mutex<[ObjectKey: [ReconcileResult]]>

    init(recorder: ReconcileRecorder, clock: any RuntimeClock, script: [ObjectKey: [ReconcileResult]]) {
        self.recorder = recorder
        self.clock = clock
        self.script = Mutex(script)
    }

    func reconcile(_ key: ObjectKey) async -> ReconcileResult {
        recorder.begin(key, at: clock.now)
        defer { recorder.end(key) }
        return script.withLock { script in
            guard var results = script[key], !results.isEmpty else { return .done }
            let result = results.removeFirst()
            script[key] = results
            return result
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct ControllerTests {
    /// Starts `controller.run` and returns the task; the test shuts it down and awaits it.
    private func start<R>(_ controller: Controller<R>, sources: [EventSource] = []) -> Task<Void, any Error> {
        Task { try await controller.run(sources: sources) }
    }

    @Test func transientErrorsBackOffExponentiallyAndSuccessForgets() async throws {
        let clock = ManualClock()
        let t0 = clock.now
        let recorder = ReconcileRecorder(limit: 1)
        let error = ReconcileResult.transientError("throttled")
        let reconciler = ScriptedReconciler(
            recorder: recorder, clock: clock, script: [a: [error, error, error, .done, error, .done]])
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        var calls = recorder.events.makeAsyncIterator()

        controller.enqueue(a)
        var times: [Duration] = []
        for attempt in 0..<4 {
            let call = await calls.next()
            times.append(t0.duration(to: try #require(call).at))
            guard attempt < 3 else { break }
            await clock.waitForSleepers()
            clock.advanceToNextDeadline()
        }
        #expect(times == [.zero, .milliseconds(5), .milliseconds(15), .milliseconds(35)])
        // After the success the failure count starts over: the next error backs off 5 ms.
        #expect(try await eventually { controller.queueMetrics == idle })
        let restart = clock.now
        controller.enqueue(a)
        _ = await calls.next()
        await clock.waitForSleepers()
        #expect(clock.nextDeadline == restart + .milliseconds(5))
        clock.advanceToNextDeadline()
        _ = await calls.next()

        controller.shutDown()
        try await run.value
    }

    @Test func requeueAfterRunsAgainAtTheRequestedTime() async throws {
        let clock = ManualClock()
        let t0 = clock.now
        let recorder = ReconcileRecorder(limit: 1)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [a: [.requeue(after: .seconds(30))]])
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        var calls = recorder.events.makeAsyncIterator()
        controller.enqueue(a)
        _ = await calls.next()
        await clock.waitForSleepers()
        clock.advance(by: .seconds(29))
        #expect(controller.queueMetrics.delayed == 1)
        clock.advance(by: .seconds(1))
        let second = try #require(await calls.next())
        #expect(second.at == t0 + .seconds(30))
        controller.shutDown()
        try await run.value
        #expect(recorder.calls.count == 2)
    }

    @Test func terminalErrorIsSkippedByResyncUntilTheObjectChanges() async throws {
        let clock = ManualClock()
        let recorder = ReconcileRecorder(limit: 2)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [a: [.terminalError("spec.x: invalid")]])
        let controller = Controller(
            reconciler: reconciler,
            configuration: ControllerConfiguration(name: "test", resync: ResyncSchedule(period: .seconds(60), jitter: 0)),
            knownKeys: { [a, b] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        var calls = recorder.events.makeAsyncIterator()
        controller.enqueue(a)
        #expect(await calls.next()?.key == a)
        #expect(try await eventually { controller.queueMetrics == idle })
        // No retry: nothing is delayed, and the only sleeper is the resync timer.
        await clock.waitForSleepers()
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(60))
        #expect(await calls.next()?.key == b)
        #expect(try await eventually { controller.queueMetrics == idle && recorder.inFlightCount == 0 })
        #expect(recorder.calls.map(\.key) == [a, b])
        // A watch event for `a` releases it.
        controller.enqueue(a)
        #expect(await calls.next()?.key == a)
        await clock.waitForSleepers()
        clock.advance(by: .seconds(60))
        let resynced = [await calls.next()?.key, await calls.next()?.key]
        #expect(Set(resynced.compactMap { $0 }) == [a, b])
        controller.shutDown()
        try await run.value
    }

    @Test func resyncFiresWithinTenPercentOfThePeriod() async throws {
        let clock = ManualClock()
        let recorder = ReconcileRecorder(limit: 1)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [:])
        let controller = Controller(
            reconciler: reconciler,
            configuration: ControllerConfiguration(name: "test", resync: ResyncSchedule(period: .seconds(100))),
            knownKeys: { [a] }, clock: clock, random: SeededGenerator(seed: 9), logger: quietLogger)
        let run = start(controller)
        var calls = recorder.events.makeAsyncIterator()
        var last = clock.now
        var gaps: [Duration] = []
        for _ in 0..<20 {
            await clock.waitForSleepers()
            let deadline = try #require(clock.nextDeadline)
            gaps.append(last.duration(to: deadline))
            clock.advanceToNextDeadline()
            last = clock.now
            #expect(await calls.next()?.key == a)
            #expect(try await eventually { recorder.inFlightCount == 0 && controller.queueMetrics == idle })
        }
        #expect(gaps.allSatisfy { $0 >= .seconds(90) && $0 <= .seconds(110) }, "\(gaps)")
        #expect(Set(gaps).count > 15, "resync delays should be jittered")
        controller.shutDown()
        try await run.value
    }

    @Test func concurrencyReachesButNeverExceedsTheLimit() async throws {
        let gate = Mutex(false)
        let recorder = ReconcileRecorder(limit: 3)
        let clock = ManualClock()
        let reconciler = ClosureReconciler { key in
            recorder.begin(key, at: clock.now)
            defer { recorder.end(key) }
            while !gate.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
            return .done
        }
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", concurrency: 3, resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        let keys = (0..<5).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        for key in keys { controller.enqueue(key) }
        #expect(try await eventually { recorder.inFlightCount == 3 })
        try await Task.sleep(for: .milliseconds(20))
        #expect(recorder.inFlightCount == 3)
        #expect(controller.queueMetrics == WorkQueue.Metrics(depth: 2, delayed: 0, inFlight: 3))
        gate.withLock { $0 = true }
        #expect(try await eventually { recorder.calls.count == 5 && controller.queueMetrics == idle })
        #expect(recorder.maxInFlight == 3)
        controller.shutDown()
        try await run.value
    }

    @Test(arguments: 0..<12)
    func stormOfAddsNeverRunsAKeyTwiceAtOnceAndMissesNoAdd(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed)
        let concurrency = Int.random(in: 1...5, using: &rng)
        let recorder = ReconcileRecorder(limit: concurrency)
        let yields = Mutex(SeededGenerator(seed: seed &+ 1000))
        let clock = ManualClock()
        let reconciler = ClosureReconciler { key in
            recorder.begin(key, at: clock.now)
            defer { recorder.end(key) }
            for _ in 0..<yields.withLock({ Int.random(in: 0...20, using: &$0) }) { await Task.yield() }
            return .done
        }
        let controller = Controller(
            reconciler: reconciler,
            configuration: ControllerConfiguration(name: "storm", concurrency: concurrency, resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        let keys = (0..<Int.random(in: 1...12, using: &rng)).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        for _ in 0..<600 {
            let key = keys.randomElement(using: &rng)!
            recorder.noteAdded(key)
            controller.enqueue(key)
            for _ in 0..<Int.random(in: 0...3, using: &rng) { await Task.yield() }
        }
        #expect(try await eventually { controller.queueMetrics == idle && recorder.inFlightCount == 0 })
        controller.shutDown()
        try await run.value
        #expect(recorder.doubleRuns.isEmpty, "seed \(seed)")
        #expect(recorder.maxInFlight <= concurrency, "seed \(seed)")
        #expect(recorder.keysMissingARunAfterTheirLastAdd.isEmpty, "seed \(seed)")
        // Duplicate adds collapsed: far fewer runs than adds when keys repeat.
        #expect(recorder.calls.count <= 600)
    }

    @Test(arguments: 0..<6)
    func stormWithRetriesRequeuesAndTerminalErrorsOnRealTime(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed)
        let concurrency = Int.random(in: 1...4, using: &rng)
        let recorder = ReconcileRecorder(limit: concurrency)
        let choices = Mutex(SeededGenerator(seed: seed &+ 77))
        let clock = SystemClock()
        let reconciler = ClosureReconciler { key in
            recorder.begin(key, at: clock.now)
            defer { recorder.end(key) }
            let (pause, roll) = choices.withLock { ($0.next() % 3, Int.random(in: 0..<100, using: &$0)) }
            if pause > 0 { try? await Task.sleep(for: .microseconds(200)) }
            switch roll {
            case 0..<15: return .transientError("injected")
            case 15..<25: return .requeue(after: .milliseconds(1))
            case 25..<30: return .terminalError("injected")
            default: return .done
            }
        }
        let controller = Controller(
            reconciler: reconciler,
            configuration: ControllerConfiguration(
                name: "storm", concurrency: concurrency, resync: nil,
                backoff: ExponentialBackoff(initial: .microseconds(100), maximum: .milliseconds(2))),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        let keys = (0..<Int.random(in: 2...10, using: &rng)).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        for _ in 0..<300 {
            let key = keys.randomElement(using: &rng)!
            recorder.noteAdded(key)
            controller.enqueue(key)
            if Bool.random(using: &rng) { await Task.yield() }
        }
        #expect(try await eventually(seconds: 20) { controller.queueMetrics == idle && recorder.inFlightCount == 0 })
        controller.shutDown()
        try await run.value
        #expect(recorder.doubleRuns.isEmpty, "seed \(seed)")
        #expect(recorder.maxInFlight <= concurrency, "seed \(seed)")
        #expect(recorder.keysMissingARunAfterTheirLastAdd.isEmpty, "seed \(seed)")
    }

    @Test func shutdownDrainsInFlightReconcilesWithoutCancellingThem() async throws {
        let clock = ManualClock()
        let release = Mutex(false)
        let finished = Mutex<[ObjectKey]>([])
        let recorder = ReconcileRecorder(limit: 2)
        let reconciler = ClosureReconciler { key in
            recorder.begin(key, at: clock.now)
            while !release.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
            finished.withLock { $0.append(key) }
            if Task.isCancelled { return .transientError("cancelled") }
            return .done
        }
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", concurrency: 2, resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let run = start(controller)
        for key in [a, b, ObjectKey(namespace: "team", name: "c")] { controller.enqueue(key) }
        #expect(try await eventually { recorder.calls.count == 2 })
        controller.shutDown()
        controller.enqueue(ObjectKey(namespace: "team", name: "late"))
        try await Task.sleep(for: .milliseconds(10))
        #expect(finished.withLock { $0.isEmpty }, "run must wait for in-flight work")
        release.withLock { $0 = true }
        try await run.value
        #expect(Set(finished.withLock { $0 }) == [a, b])
        #expect(recorder.calls.count == 2, "queued and late keys are not started after shutdown")
    }

    @Test func eventSourcesFeedTheQueueAndOwnedObjectsMapToTheirOwner() async throws {
        let clock = ManualClock()
        let recorder = ReconcileRecorder(limit: 4)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [:])
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let (primary, primaryInput) = AsyncStream.makeStream(of: ObjectKey.self)
        let (owned, ownedInput) = AsyncStream.makeStream(of: ObjectMeta.self)
        let owner = ResourceDescriptor(group: "trustline.dev", version: "v1alpha1", kind: "WorkloadAwsAccess", plural: "workloadawsaccesses", namespaced: true)
        let run = start(controller, sources: [
            .keys("primary", primary),
            .owned("serviceaccounts", owned, owner: owner),
        ])
        var calls = recorder.events.makeAsyncIterator()
        primaryInput.yield(a)
        #expect(await calls.next()?.key == a)
        ownedInput.yield(ObjectMeta(name: "sa", namespace: "team", ownerReferences: [
            OwnerReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "b", uid: "u1", controller: true)
        ]))
        #expect(await calls.next()?.key == b)
        primaryInput.finish()
        ownedInput.finish()
        #expect(try await eventually { controller.queueMetrics == idle })
        controller.shutDown()
        try await run.value
    }

    @Test func aFailingSourceStopsTheControllerAfterDraining() async throws {
        struct WatchGaveUp: Error {}
        let clock = ManualClock()
        let recorder = ReconcileRecorder(limit: 1)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [:])
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test", resync: nil),
            knownKeys: { [] }, clock: clock, logger: quietLogger)
        let failing = EventSource(name: "broken-watch") { emit in
            emit(a)
            throw WatchGaveUp()
        }
        await #expect {
            try await controller.run(sources: [failing])
        } throws: { error in
            guard case let .eventSourceFailed(source, underlying)? = error as? ControllerError else { return false }
            return source == "broken-watch" && underlying is WatchGaveUp
        }
    }

    @Test func cancellingRunStopsIt() async throws {
        let clock = ManualClock()
        let recorder = ReconcileRecorder(limit: 1)
        let reconciler = ScriptedReconciler(recorder: recorder, clock: clock, script: [:])
        let controller = Controller(
            reconciler: reconciler, configuration: ControllerConfiguration(name: "test"),
            knownKeys: { [a] }, clock: clock, logger: quietLogger)
        let (never, _) = AsyncStream.makeStream(of: ObjectKey.self)
        let run = start(controller, sources: [.keys("idle", never)])
        await clock.waitForSleepers()
        run.cancel()
        try await run.value
        #expect(clock.sleeperCount == 0)
    }
}
