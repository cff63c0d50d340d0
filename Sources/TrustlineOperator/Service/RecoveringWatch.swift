import ControllerRuntime
import KubeClient
import KubeModels
import Logging

/// Runs one kind's list and watch for as long as the controller runs. When it fails (the CRD not
/// installed yet, RBAC denying, the API server away) it logs what is wrong and what to do, keeps
/// `/readyz` failing, backs off and starts over with a fresh list, instead of stopping the
/// operator: a pod started together with its CRD comes up by itself, with no crash loop. The
/// first event of a new list clears the problem.
struct RecoveringWatch<Events: AsyncSequence & Sendable>: Sendable {
    /// Names the source in logs and on `/readyz`.
    let name: String
    let kind: ResourceDescriptor
    /// nil: all namespaces.
    let namespace: String?
    /// A fresh list-then-watch each time (a reflector: its first element follows a good list).
    let events: @Sendable () -> Events
    let health: OperatorHealth
    let logger: Logger
    var backoff = Backoff()
    /// How often a problem that persists is logged again at error level.
    var reminderInterval: Duration = .seconds(60)
    var environment: RetryEnvironment = .live

    /// The event source: each element mapped to keys, problems waited out as described above.
    func source(keys: @escaping @Sendable (Events.Element) -> [ObjectKey]) -> EventSource {
        EventSource(name: name) { emit in try await run(keys: keys, emit: emit) }
    }

    /// The loop of the source: returns when the events end, throws only on cancellation.
    func run(keys: (Events.Element) -> [ObjectKey], emit: (ObjectKey) -> Void) async throws {
        defer { health.clearWaiting(on: name) }
        var attempts = 0
        var log = WatchProblemLog(reminderInterval: reminderInterval)
        while true {
            var healthy = false
            do {
                for try await element in events() {
                    if !healthy {
                        healthy = true
                        attempts = 0
                        if log.recovered() {
                            logger.info("watching \(kind.plural) again", metadata: ["source": "\(name)"])
                        }
                        health.clearWaiting(on: name)
                    }
                    for key in keys(element) { emit(key) }
                }
                return
            } catch {
                guard let problem = WatchProblem.classify(error, kind: kind) else { throw CancellationError() }
                if healthy { attempts = 0 }
                let message = problem.message(kind: kind, namespace: namespace)
                health.setWaiting(on: name, message)
                let delay = backoff.delay(attempt: attempts, unitRandom: environment.random())
                attempts += 1
                if log.shouldLog(problem, at: environment.now()) {
                    logger.error("\(message)", metadata: ["source": "\(name)", "retryIn": "\(delay)"])
                } else {
                    logger.debug("still failing: \(message)", metadata: ["source": "\(name)", "retryIn": "\(delay)"])
                }
                try await environment.sleep(delay)
            }
        }
    }
}

/// When a persisting watch problem is worth an error line: the first time, when its kind
/// changes, and then once per `reminderInterval`, so a missing CRD is said clearly without
/// flooding the log at every retry.
struct WatchProblemLog: Sendable {
    let reminderInterval: Duration
    private var last: (problem: WatchProblem, at: ContinuousClock.Instant)?

    init(reminderInterval: Duration) {
        self.reminderInterval = reminderInterval
    }

    mutating func shouldLog(_ problem: WatchProblem, at now: ContinuousClock.Instant) -> Bool {
        if let last, last.problem.isSameKind(as: problem), now - last.at < reminderInterval { return false }
        last = (problem, now)
        return true
    }

    /// The watch works again; true when a problem had been logged (say that it is over).
    mutating func recovered() -> Bool {
        defer { last = nil }
        return last != nil
    }
}
