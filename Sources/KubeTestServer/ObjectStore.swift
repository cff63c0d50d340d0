import Foundation
import Synchronization

/// The server's storage: one lock around `StoreState`, so every write, its resourceVersion and
/// its delivery to watches happen in one order, and a watch registers without missing a write.
final class ObjectStore: Sendable {
    private let state: Mutex<StoreState>
    /// Watch responses still writing (their body closures have not returned yet).
    private let writingStreams = Mutex(0)

    init(historyLimit: Int) {
        var initial = StoreState(historyLimit: historyLimit)
        let namespaces = ResourceType.builtIns[0]
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            _ = try? initial.create(type: namespaces, namespace: nil, body: ["metadata": ["name": .string(name)]], dryRun: false)
        }
        state = Mutex(initial)
    }

    func read<Result: Sendable>(_ body: (StoreState) throws -> Result) throws -> Result {
        try state.withLock { state in try body(state) }
    }

    func write<Result: Sendable>(_ body: (inout StoreState) throws -> Result) throws -> Result {
        try state.withLock { state in try body(&state) }
    }

    var currentResourceVersion: Int64 { state.withLock { $0.resourceVersion } }

    /// Opens a watch; the stream ends when the store drops it or the consumer goes away.
    func watch(filter: WatchFilter, since: Int64?, sendInitialEvents: Bool = false) throws -> (id: Int, stream: AsyncStream<WatchMessage>) {
        let (stream, continuation) = AsyncStream<WatchMessage>.makeStream(bufferingPolicy: .unbounded)
        let registered: Int? = try state.withLock { state in
            if state.closed { return nil }
            return try state.startWatch(filter: filter, since: since, sendInitialEvents: sendInitialEvents, continuation: continuation)
        }
        guard let id = registered else {
            continuation.finish()
            return (-1, stream)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { state in state.stopWatch(id) }
        }
        return (id, stream)
    }

    /// Sends a BOOKMARK with the current resourceVersion into one watch, in order with its events.
    func bookmark(watch id: Int) {
        _ = state.withLock { state in
            state.watchers[id]?.continuation.yield(.bookmark(resourceVersion: state.resourceVersion))
        }
    }

    func stopWatch(_ id: Int) {
        let subscription = state.withLock { state in
            let found = state.watchers[id]
            state.stopWatch(id)
            return found
        }
        subscription?.continuation.finish()
    }

    /// Ends every open watch (fault injection and shutdown).
    func dropAllWatches() {
        let subscriptions = state.withLock { state in
            let all = Array(state.watchers.values)
            state.watchers.removeAll()
            return all
        }
        for subscription in subscriptions { subscription.continuation.finish() }
    }

    /// Ends every watch now and refuses new ones (server stop).
    func shutDown() {
        state.withLock { $0.closed = true }
        dropAllWatches()
    }

    func streamStarted() { writingStreams.withLock { $0 += 1 } }
    func streamEnded() { writingStreams.withLock { $0 -= 1 } }
    var writingStreamCount: Int { writingStreams.withLock { $0 } }

    var openWatchCount: Int { state.withLock { $0.watchers.count } }
}
