import KubeModels
import Synchronization
import Testing
@testable import TrustlineOperator

/// The queue in front of the Kubernetes event recorder: `record` never waits for the write, events
/// arrive in order, a full queue drops instead of blocking, and `finish` sends what is queued within
/// its limit.
@Suite struct QueuedEventRecorderTests {
    /// Records what reaches it; while the gate is closed, each write waits until it opens.
    final class GatedRecorder: EventRecorder {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], reasons: [String])>((false, [], []))

        init(open: Bool) { state.withLock { $0.open = open } }

        var reasons: [String] { state.withLock { $0.reasons } }

        func open() {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        func record(_ event: OperatorEvent, regarding: ObjectReference) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let open = state.withLock { state -> Bool in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
            state.withLock { $0.reasons.append(event.reason) }
        }
    }

    static let resource = ObjectReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "a", namespace: "production", uid: "u1")

    @Test func recordReturnsBeforeTheWriteAndEventsArriveInOrder() async {
        let inner = GatedRecorder(open: false)
        let queued = QueuedEventRecorder(wrapping: inner, logger: CapturedLogs().logger())
        // The gate is closed: had record waited for the write, this would never return.
        for reason in ["First", "Second", "Third"] {
            await queued.record(.normal(reason, "note"), regarding: Self.resource)
        }
        #expect(inner.reasons.isEmpty)
        inner.open()
        await queued.finish(within: .seconds(60))
        #expect(inner.reasons == ["First", "Second", "Third"])
    }

    @Test func aFullQueueDropsTheNewestWithAWarningAndDoesNotBlock() async {
        let inner = GatedRecorder(open: false)
        let logs = CapturedLogs()
        let queued = QueuedEventRecorder(wrapping: inner, capacity: 2, logger: logs.logger())
        // One is taken by the writer (waiting at the gate) at most, two wait in the queue: of six,
        // at least three are dropped.
        for index in 0..<6 {
            await queued.record(.normal("Event\(index)", "note"), regarding: Self.resource)
        }
        inner.open()
        await queued.finish(within: .seconds(60))
        #expect(inner.reasons.count >= 2 && inner.reasons.count <= 3)
        #expect(inner.reasons.first == "Event0")
        let dropped = logs.all.filter { $0.level == .warning && $0.message.contains("event queue full") }
        #expect(dropped.count == 6 - inner.reasons.count)
        #expect(dropped.allSatisfy { $0.metadata["resource"] == "production/a" })
    }

    @Test func finishGivesUpOnAStuckWriterAfterItsLimit() async {
        let inner = GatedRecorder(open: false)
        let queued = QueuedEventRecorder(wrapping: inner, logger: CapturedLogs().logger())
        await queued.record(.normal("Stuck", "note"), regarding: Self.resource)
        let started = ContinuousClock.now
        await queued.finish(within: .milliseconds(200))
        // It returned although the write never completed (generous bound for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(inner.reasons.isEmpty)
        // Events after finish are not queued.
        await queued.record(.normal("Late", "note"), regarding: Self.resource)
        inner.open()
        #expect(!inner.reasons.contains("Late"))
    }
}
