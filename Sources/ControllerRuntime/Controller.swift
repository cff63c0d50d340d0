import KubeModels
import Logging
import Synchronization

/// Settings of one controller.
public struct ControllerConfiguration: Sendable {
    /// Names the controller in logs.
    public var name: String
    /// Most reconciles running at once (distinct keys).
    public var concurrency: Int
    /// Periodic resync of every known key; nil disables it.
    public var resync: ResyncSchedule?
    /// Per-key retry policy for transient errors.
    public var backoff: ExponentialBackoff

    public init(
        name: String,
        concurrency: Int = 4,
        resync: ResyncSchedule? = ResyncSchedule(period: .seconds(600)),
        backoff: ExponentialBackoff = .workQueue
    ) {
        self.name = name
        self.concurrency = max(1, concurrency)
        self.resync = resync
        self.backoff = backoff
    }
}

/// Why a controller stopped on its own.
public enum ControllerError: Error, CustomStringConvertible {
    /// An event source threw; the controller drained and stopped, since it could no longer see changes.
    case eventSourceFailed(source: String, underlying: any Error)

    public var description: String {
        switch self {
        case let .eventSourceFailed(source, underlying):
            "event source '\(source)' failed: \(underlying); the controller stopped"
        }
    }
}

/// Which of a controller's child tasks ended.
private enum ControllerTask: Sendable {
    case queue
    case source(String)
    case resync
}

/// Wires event sources and periodic resync into a `WorkQueue` and runs a `Reconciler` on it,
/// turning each result into queue operations: forget on success, requeue after a delay,
/// backoff on transient errors, and park on terminal errors until the object changes.
public final class Controller<R: Reconciler>: Sendable {
    /// Called after every reconcile, for metrics: key, result, and how long it took.
    public typealias Observer = @Sendable (ObjectKey, ReconcileResult, Duration) -> Void

    public let configuration: ControllerConfiguration
    private let reconciler: R
    private let queue: WorkQueue
    private let clock: any RuntimeClock
    private let knownKeys: @Sendable () async -> [ObjectKey]
    private let logger: Logger
    private let observer: Observer?
    /// Keys whose last reconcile ended in a terminal error: resync skips them.
    private let parked = Mutex<Set<ObjectKey>>([])
    private let random: Mutex<SeededGenerator>

    /// - Parameters:
    ///   - knownKeys: every key the cache holds now, read at each resync.
    ///   - random: jitter source for resync; seed it in tests.
    public init(
        reconciler: R,
        configuration: ControllerConfiguration,
        knownKeys: @escaping @Sendable () async -> [ObjectKey],
        clock: any RuntimeClock = SystemClock(),
        random: SeededGenerator = SeededGenerator(),
        logger: Logger = Logger(label: "trustline.controller"),
        observer: Observer? = nil
    ) {
        self.reconciler = reconciler
        self.configuration = configuration
        self.knownKeys = knownKeys
        self.clock = clock
        self.random = Mutex(random)
        var logger = logger
        logger[metadataKey: "controller"] = "\(configuration.name)"
        self.logger = logger
        self.observer = observer
        queue = WorkQueue(maxConcurrency: configuration.concurrency, backoff: configuration.backoff, clock: clock)
    }

    /// Queue depth, delayed keys and runs in flight.
    public var queueMetrics: WorkQueue.Metrics { queue.metrics }

    /// Asks for `key` to be reconciled: the object changed, so a parked key is released too.
    public func enqueue(_ key: ObjectKey) {
        _ = parked.withLock { $0.remove(key) }
        queue.add(key)
    }

    /// Stops taking work; `run` returns once the reconciles in flight finish.
    public func shutDown() {
        logger.info("controller shutting down; draining in-flight reconciles")
        queue.shutDown()
    }

    /// Runs until `shutDown` (or cancellation) and the drain of in-flight reconciles. Throws
    /// `ControllerError.eventSourceFailed` when a source throws, after draining. Call it once;
    /// a controller that stopped does not restart (build a new one). Sources must end when
    /// their task is cancelled (AsyncStream and the KubeClient reflector do).
    public func run(sources: [EventSource]) async throws {
        logger.info("controller started", metadata: ["concurrency": "\(configuration.concurrency)"])
        try await withThrowingTaskGroup(of: ControllerTask.self) { group in
            group.addTask {
                await self.queue.run { key in await self.process(key) }
                return .queue
            }
            for source in sources {
                group.addTask {
                    do {
                        try await source.pump { key in self.enqueue(key) }
                    } catch is CancellationError {
                    } catch {
                        throw ControllerError.eventSourceFailed(source: source.name, underlying: error)
                    }
                    return .source(source.name)
                }
            }
            if let resync = configuration.resync {
                group.addTask {
                    await self.resyncLoop(resync)
                    return .resync
                }
            }
            var failure: (any Error)?
            while true {
                do {
                    guard let finished = try await group.next() else { break }
                    switch finished {
                    case .queue:
                        group.cancelAll()
                    case let .source(name):
                        logger.debug("event source finished", metadata: ["source": "\(name)"])
                    case .resync:
                        break
                    }
                } catch {
                    if failure == nil {
                        failure = error
                        logger.error("\(error)")
                        queue.shutDown()
                    }
                }
            }
            logger.info("controller stopped")
            if let failure { throw failure }
        }
    }

    // MARK: Internals

    private func process(_ key: ObjectKey) async {
        var logger = self.logger
        logger[metadataKey: "key"] = "\(key)"
        let started = clock.now
        let result = await reconciler.reconcile(key)
        let elapsed = started.duration(to: clock.now)
        switch result {
        case .done:
            queue.forget(key)
            logger.debug("reconciled")
        case let .requeue(delay):
            queue.forget(key)
            queue.add(key, after: delay)
            logger.debug("reconciled; requeued", metadata: ["after": "\(delay)"])
        case let .transientError(message):
            let delay = queue.addRateLimited(key)
            logger.warning("reconcile failed; retrying", metadata: ["error": "\(message)", "retryIn": "\(delay)"])
        case let .terminalError(message):
            queue.forget(key)
            _ = parked.withLock { $0.insert(key) }
            logger.error("reconcile failed; not retrying until the object changes", metadata: ["error": "\(message)"])
        }
        observer?(key, result, elapsed)
    }

    private func resyncLoop(_ schedule: ResyncSchedule) async {
        while !Task.isCancelled {
            let delay = random.withLock { schedule.nextDelay(using: &$0) }
            do {
                try await clock.sleep(for: delay)
            } catch {
                return
            }
            let keys = await knownKeys()
            let skipped = parked.withLock { $0 }
            var count = 0
            for key in keys where !skipped.contains(key) {
                queue.add(key)
                count += 1
            }
            logger.debug("resync", metadata: ["keys": "\(count)", "parked": "\(keys.count - count)"])
        }
    }
}
