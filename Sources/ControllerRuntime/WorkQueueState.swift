import KubeModels

/// The work queue's rules as a pure value, in the style of AsyncHTTPClient's connection pool
/// state machine: events in, decisions out, no I/O and no clock of its own, so every rule
/// (one run per key at a time, collapsing duplicates, earliest due time wins, per-key backoff,
/// bounded concurrency, draining shutdown) is tested without tasks or sleeps.
///
/// Each key is in at most one place: ready (FIFO), delayed (with a due time), or processing.
/// A key added while processing is remembered and queued again when its run is `done`.
public struct WorkQueueState: Sendable {
    /// What a worker slot should do next.
    public enum NextAction: Sendable, Equatable {
        /// Run this key now; call `done` when the run ends.
        case run(ObjectKey)
        /// Nothing runnable: wait until this instant (a delayed key falls due) or, when nil,
        /// until something is added or a run ends.
        case wait(until: ContinuousClock.Instant?)
        /// Shut down and nothing is in flight: stop.
        case finished
    }

    /// When a key that is currently processing should run again.
    private enum Rerun: Sendable, Equatable {
        case immediately
        case at(ContinuousClock.Instant)

        func earlier(than other: Rerun) -> Rerun {
            switch (self, other) {
            case (.immediately, _), (_, .immediately): .immediately
            case let (.at(a), .at(b)): .at(min(a, b))
            }
        }
    }

    /// Most keys processing at once.
    public let maxConcurrency: Int
    /// Per-key retry policy for `addRateLimited`.
    public let backoff: ExponentialBackoff

    private var ready: [ObjectKey] = []
    private var readyHead = 0
    private var readySet: Set<ObjectKey> = []
    private var delayed: [ObjectKey: ContinuousClock.Instant] = [:]
    private var deadlines = DeadlineHeap()
    private var processing: Set<ObjectKey> = []
    private var reruns: [ObjectKey: Rerun] = [:]
    private var failures: [ObjectKey: Int] = [:]
    public private(set) var isShuttingDown = false

    public init(maxConcurrency: Int, backoff: ExponentialBackoff = .workQueue) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.backoff = backoff
    }

    // MARK: Metrics

    /// Keys ready to run now (client-go's `depth`).
    public var depth: Int { readySet.count }
    /// Keys waiting for a due time.
    public var delayedCount: Int { delayed.count }
    /// Keys being processed.
    public var inFlightCount: Int { processing.count }
    /// Whether a key is being processed.
    public func isProcessing(_ key: ObjectKey) -> Bool { processing.contains(key) }
    /// Consecutive failures recorded for a key.
    public func failureCount(_ key: ObjectKey) -> Int { failures[key, default: 0] }
    /// The due time of a delayed key (not counting reruns of processing keys).
    public func dueTime(of key: ObjectKey) -> ContinuousClock.Instant? { delayed[key] }

    // MARK: Adding

    /// Queues `key` to run as soon as a worker is free. A duplicate of a ready key is dropped;
    /// a delayed key becomes ready; a processing key runs again after its current run.
    public mutating func add(_ key: ObjectKey) {
        guard !isShuttingDown, !readySet.contains(key) else { return }
        if processing.contains(key) {
            reruns[key] = .immediately
            return
        }
        delayed[key] = nil
        enqueueReady(key)
    }

    /// Queues `key` to run at `now + delay`; if it is already due earlier, the earlier time wins.
    public mutating func add(_ key: ObjectKey, after delay: Duration, now: ContinuousClock.Instant) {
        guard delay > .zero else { return add(key) }
        guard !isShuttingDown, !readySet.contains(key) else { return }
        let due = now.advanced(by: delay)
        if processing.contains(key) {
            reruns[key] = reruns[key].map { $0.earlier(than: .at(due)) } ?? .at(due)
            return
        }
        if let existing = delayed[key], existing <= due { return }
        delayed[key] = due
        deadlines.push(key, at: due)
    }

    /// Records one more failure of `key` and queues it after its backoff delay
    /// (5 ms, 10 ms, 20 ms ... 1000 s by default). Returns the delay used.
    @discardableResult
    public mutating func addRateLimited(_ key: ObjectKey, now: ContinuousClock.Instant) -> Duration {
        let attempt = failures[key, default: 0]
        failures[key] = attempt + 1
        let delay = backoff.delay(forAttempt: attempt)
        add(key, after: delay, now: now)
        return delay
    }

    /// Clears the failure count of `key`, so its next failure starts the backoff over.
    public mutating func forget(_ key: ObjectKey) {
        failures[key] = nil
    }

    // MARK: Running

    /// Picks the next key to run, moving delayed keys that are due at `now` to the ready queue.
    public mutating func next(now: ContinuousClock.Instant) -> NextAction {
        if isShuttingDown {
            return processing.isEmpty ? .finished : .wait(until: nil)
        }
        promoteDueKeys(now: now)
        guard processing.count < maxConcurrency else { return .wait(until: nil) }
        if let key = dequeueReady() {
            processing.insert(key)
            return .run(key)
        }
        return .wait(until: earliestDeadline())
    }

    /// Marks the run of `key` finished; if it was added meanwhile, it is queued again.
    public mutating func done(_ key: ObjectKey, now: ContinuousClock.Instant) {
        guard processing.remove(key) != nil else { return }
        guard let rerun = reruns.removeValue(forKey: key), !isShuttingDown else { return }
        switch rerun {
        case .immediately:
            enqueueReady(key)
        case let .at(due) where due <= now:
            enqueueReady(key)
        case let .at(due):
            delayed[key] = due
            deadlines.push(key, at: due)
        }
    }

    /// Stops accepting keys and drops queued ones; runs in flight finish, then `next` says `.finished`.
    public mutating func shutDown() {
        isShuttingDown = true
        ready.removeAll()
        readyHead = 0
        readySet.removeAll()
        delayed.removeAll()
        deadlines.removeAll()
        reruns.removeAll()
    }

    // MARK: Internals

    private mutating func enqueueReady(_ key: ObjectKey) {
        guard readySet.insert(key).inserted else { return }
        ready.append(key)
    }

    private mutating func dequeueReady() -> ObjectKey? {
        guard readyHead < ready.count else { return nil }
        let key = ready[readyHead]
        readyHead += 1
        readySet.remove(key)
        if readyHead >= 64 && readyHead * 2 >= ready.count {
            ready.removeFirst(readyHead)
            readyHead = 0
        }
        return key
    }

    private mutating func promoteDueKeys(now: ContinuousClock.Instant) {
        while let top = deadlines.first, top.deadline <= now {
            _ = deadlines.popFirst()
            // Skip entries superseded by an earlier due time or by an immediate add.
            guard delayed[top.key] == top.deadline else { continue }
            delayed[top.key] = nil
            enqueueReady(top.key)
        }
    }

    private mutating func earliestDeadline() -> ContinuousClock.Instant? {
        while let top = deadlines.first {
            if delayed[top.key] == top.deadline { return top.deadline }
            _ = deadlines.popFirst()
        }
        return nil
    }
}
