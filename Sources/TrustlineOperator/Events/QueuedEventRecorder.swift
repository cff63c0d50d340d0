import KubeModels
import Logging
import Synchronization

/// Writes events off the reconcile's path, as Kubernetes controllers usually do: `record` queues the
/// event and returns, and one writer task sends the queue, in order, through the wrapped recorder.
/// An event is advisory, so a reconcile never waits on the API server for one; a full queue drops
/// the newest event with a warning instead of blocking.
public final class QueuedEventRecorder: EventRecorder {
    private struct Item: Sendable {
        var event: OperatorEvent
        var regarding: ObjectReference
    }

    private let queue: AsyncStream<Item>.Continuation
    private let writer: Task<Void, Never>
    private let logger: Logger

    /// - Parameter capacity: events waiting to be written at most.
    public init(wrapping recorder: some EventRecorder, capacity: Int = 1000, logger: Logger) {
        let (items, queue) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(max(1, capacity)))
        self.queue = queue
        self.logger = logger
        writer = Task {
            for await item in items {
                await recorder.record(item.event, regarding: item.regarding)
            }
        }
    }

    public func record(_ event: OperatorEvent, regarding: ObjectReference) async {
        switch queue.yield(Item(event: event, regarding: regarding)) {
        case .enqueued:
            break
        case .dropped:
            var logger = logger
            logger[metadataKey: "resource"] = "\(regarding.namespace ?? "")/\(regarding.name ?? "")"
            logger.warning("event queue full: dropped event \(event.reason)")
        case .terminated:
            var logger = logger
            logger[metadataKey: "resource"] = "\(regarding.namespace ?? "")/\(regarding.name ?? "")"
            logger.debug("event after shutdown not written: \(event.reason)")
        @unknown default:
            break
        }
    }

    /// Stops taking events and writes what is queued, for at most `limit`; then cancels the writer
    /// and returns, even if a write ignores the cancellation. Called once, at shutdown.
    public func finish(within limit: Duration = .seconds(5)) async {
        queue.finish()
        let writer = writer
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pending = Mutex<CheckedContinuation<Void, Never>?>(continuation)
            let resume: @Sendable () -> Void = { pending.withLock { $0.take() }?.resume() }
            Task {
                await writer.value
                resume()
            }
            Task {
                try? await Task.sleep(for: limit)
                writer.cancel()
                resume()
            }
        }
    }
}
