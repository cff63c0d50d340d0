import KubeModels
import Logging
import Synchronization
import Testing

@testable import ControllerRuntime

/// Records every reconcile call (key, clock time, order) and streams them to the test, and
/// checks the runtime's promises while calls overlap: never the same key twice at once, and
/// never more than `limit` at once.
final class ReconcileRecorder: Sendable {
    struct Call: Sendable, Equatable {
        var key: ObjectKey
        var at: ContinuousClock.Instant
        var tick: Int
    }

    private struct State {
        var inFlight: Set<ObjectKey> = []
        var maxInFlight = 0
        var doubleRuns: [ObjectKey] = []
        var calls: [Call] = []
        var tick = 0
        var lastAdded: [ObjectKey: Int] = [:]
    }

    private let state = Mutex(State())
    let limit: Int
    let events: AsyncStream<Call>
    private let continuation: AsyncStream<Call>.Continuation

    init(limit: Int) {
        self.limit = limit
        (events, continuation) = AsyncStream.makeStream(of: Call.self)
    }

    /// Call when the test asks for `key`: later, a run of `key` must start after this tick.
    func noteAdded(_ key: ObjectKey) {
        state.withLock { state in
            state.tick += 1
            state.lastAdded[key] = state.tick
        }
    }

    func begin(_ key: ObjectKey, at now: ContinuousClock.Instant) {
        let call = state.withLock { state -> Call in
            state.tick += 1
            if !state.inFlight.insert(key).inserted { state.doubleRuns.append(key) }
            state.maxInFlight = max(state.maxInFlight, state.inFlight.count)
            let call = Call(key: key, at: now, tick: state.tick)
            state.calls.append(call)
            return call
        }
        continuation.yield(call)
    }

    func end(_ key: ObjectKey) {
        _ = state.withLock { $0.inFlight.remove(key) }
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var inFlightCount: Int { state.withLock { $0.inFlight.count } }
    var doubleRuns: [ObjectKey] { state.withLock { $0.doubleRuns } }

    /// Keys whose last requested run never started after the request.
    var keysMissingARunAfterTheirLastAdd: [ObjectKey] {
        state.withLock { state in
            state.lastAdded.compactMap { key, added in
                let lastStart = state.calls.last { $0.key == key }?.tick ?? 0
                return lastStart > added ? nil : key
            }
        }
    }
}

/// Waits (in real time, polling every millisecond, at most `seconds`) until `condition` holds.
func eventually(seconds: Double = 60, _ condition: @Sendable () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

let idle = WorkQueue.Metrics(depth: 0, delayed: 0, inFlight: 0)

/// Keeps test output readable: the controller's logs go nowhere.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
