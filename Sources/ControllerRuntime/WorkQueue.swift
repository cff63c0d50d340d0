import KubeModels
import Synchronization

/// The async work queue: a thin driver that runs keys from a `WorkQueueState` on up to
/// `maxConcurrency` child tasks, sleeping on the injected clock until a delayed key falls due.
/// Producers may call it from any task; `run` must be called exactly once (one dispatcher).
public final class WorkQueue: Sendable {
    /// A point-in-time view of the queue for metrics.
    public struct Metrics: Sendable, Equatable {
        /// Keys ready to run now.
        public var depth: Int
        /// Keys waiting for a due time.
        public var delayed: Int
        /// Keys being processed.
        public var inFlight: Int
    }

    private struct Driver {
        var state: WorkQueueState
        var wakeup: CheckedContinuation<Void, Never>?
        var pendingWake = false
    }

    private let driver: Mutex<Driver>
    private let clock: any RuntimeClock

    public init(maxConcurrency: Int, backoff: ExponentialBackoff = .workQueue, clock: any RuntimeClock = SystemClock()) {
        driver = Mutex(Driver(state: WorkQueueState(maxConcurrency: maxConcurrency, backoff: backoff)))
        self.clock = clock
    }

    // MARK: Producers

    /// Queues `key` to run as soon as possible (see `WorkQueueState.add(_:)`).
    public func add(_ key: ObjectKey) {
        mutateAndWake { $0.add(key) }
    }

    /// Queues `key` to run after `delay`; the earliest due time wins.
    public func add(_ key: ObjectKey, after delay: Duration) {
        let now = clock.now
        mutateAndWake { $0.add(key, after: delay, now: now) }
    }

    /// Records a failure of `key` and queues it after its backoff delay, which it returns.
    @discardableResult
    public func addRateLimited(_ key: ObjectKey) -> Duration {
        let now = clock.now
        return mutateAndWake { $0.addRateLimited(key, now: now) }
    }

    /// Clears the failure count of `key`.
    public func forget(_ key: ObjectKey) {
        driver.withLock { $0.state.forget(key) }
    }

    /// Stops accepting keys; `run` returns once the runs in flight have finished.
    public func shutDown() {
        mutateAndWake { $0.shutDown() }
    }

    public var metrics: Metrics {
        driver.withLock { Metrics(depth: $0.state.depth, delayed: $0.state.delayedCount, inFlight: $0.state.inFlightCount) }
    }

    /// Consecutive failures recorded for `key`.
    public func failureCount(_ key: ObjectKey) -> Int {
        driver.withLock { $0.state.failureCount(key) }
    }

    // MARK: Consumer

    /// Runs `work` for each key the queue hands out, at most `maxConcurrency` at once and never
    /// the same key twice at once. Returns after `shutDown` once in-flight runs end. Cancelling
    /// the calling task shuts the queue down and cancels the runs in flight.
    public func run(_ work: @escaping @Sendable (ObjectKey) async -> Void) async {
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                while true {
                    let now = clock.now
                    let action = driver.withLock { $0.state.next(now: now) }
                    switch action {
                    case let .run(key):
                        group.addTask {
                            await work(key)
                            self.finish(key)
                        }
                    case let .wait(deadline):
                        await waitForWake(until: deadline)
                    case .finished:
                        return
                    }
                }
            }
        } onCancel: {
            shutDown()
        }
    }

    // MARK: Internals

    private func finish(_ key: ObjectKey) {
        let now = clock.now
        mutateAndWake { $0.done(key, now: now) }
    }

    private func mutateAndWake<T>(_ body: (inout WorkQueueState) -> T) -> T {
        let (result, continuation) = driver.withLock { driver -> (T, CheckedContinuation<Void, Never>?) in
            let result = body(&driver.state)
            return (result, Self.takeWakeup(&driver))
        }
        continuation?.resume()
        return result
    }

    private func wake() {
        driver.withLock { Self.takeWakeup(&$0) }?.resume()
    }

    private static func takeWakeup(_ driver: inout Driver) -> CheckedContinuation<Void, Never>? {
        if let continuation = driver.wakeup {
            driver.wakeup = nil
            return continuation
        }
        driver.pendingWake = true
        return nil
    }

    /// Suspends until a producer or a finished run wakes the dispatcher, or `deadline` passes.
    private func waitForWake(until deadline: ContinuousClock.Instant?) async {
        let timer = deadline.map { deadline in
            Task { [clock] in
                if (try? await clock.sleep(until: deadline)) != nil { self.wake() }
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = driver.withLock { driver -> Bool in
                if driver.pendingWake {
                    driver.pendingWake = false
                    return true
                }
                driver.wakeup = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer?.cancel()
    }
}
