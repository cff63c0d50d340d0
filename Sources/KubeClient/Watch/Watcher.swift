import HTTPTransport
import KubeModels

/// A long-running watch of one kind as an `AsyncSequence`: reconnects from the last seen
/// resourceVersion (bookmarks included) when a connection ends or drops, backs off on failures,
/// and ends by throwing a `KubeAPIError` with code 410 when the version expired, so the caller
/// relists (the `Reflector` does this for you). Never yields `.error` events. An object that does
/// not decode is skipped and the watch moves past its resourceVersion (`nextElement` reports it).
public struct Watcher<Object: KubernetesResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>

    public let api: any KubernetesAPI
    public let namespace: String?
    public let resourceVersion: String?
    public let labelSelector: String?
    public let fieldSelector: String?
    public let backoff: Backoff
    public let environment: RetryEnvironment
    /// After this many consecutive failed attempts, throw the last error instead of backing off
    /// again (see `Reflector.failuresBeforeThrowing`); nil: retry forever.
    public let failuresBeforeThrowing: Int?

    public init(
        api: any KubernetesAPI,
        namespace: String? = nil,
        resourceVersion: String?,
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        backoff: Backoff = Backoff(),
        environment: RetryEnvironment = .live,
        failuresBeforeThrowing: Int? = nil
    ) {
        self.failuresBeforeThrowing = failuresBeforeThrowing
        self.api = api
        self.namespace = namespace
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.backoff = backoff
        self.environment = environment
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(watcher: self, machine: WatchStateMachine(resourceVersion: resourceVersion, backoff: backoff))
    }

    /// Drives `WatchStateMachine`: performs its actions and feeds it what happened.
    public struct Iterator: AsyncIteratorProtocol {
        let watcher: Watcher
        var machine: WatchStateMachine
        var connection: WatchConnection<Object>.Iterator?
        var pending: WatchStateMachine.Action?
        var lastError: (any Error)?

        init(watcher: Watcher, machine: WatchStateMachine) {
            self.watcher = watcher
            self.machine = machine
        }

        /// The version the next connection would start from.
        public var resourceVersion: String? { machine.resourceVersion }

        /// The next event; objects that do not decode are skipped (see `nextElement`).
        public mutating func next() async throws -> WatchEvent<Object>? {
            while let element = try await nextElement() {
                if case .event(let event) = element { return event }
            }
            return nil
        }

        /// The next event, or an object that does not decode: one bad object, which moves the
        /// watch past its resourceVersion like any event instead of failing the stream.
        public mutating func nextElement() async throws -> WatchElement<Object>? {
            let environment = watcher.environment
            if pending == nil, connection == nil, !machine.isFinished, lastError == nil {
                pending = machine.start(unitRandom: environment.random())
            }
            while true {
                try Task.checkCancellation()
                if var current = connection {
                    do {
                        let element = try await current.nextElement()
                        connection = current
                        let event: WatchEvent<Object>?
                        switch element {
                        case .undecodable(let bad)?:
                            machine.received(resourceVersion: bad.resourceVersion, at: environment.now())
                            return .undecodable(bad)
                        case .event(let decoded)?: event = decoded
                        case nil: event = nil
                        }
                        switch event {
                        case nil:
                            connection = nil
                            pending = machine.streamEnded(at: environment.now(), unitRandom: environment.random())
                        case .error(let status)?:
                            connection = nil
                            let error = KubeAPIError(code: status.code ?? 500, status: status)
                            lastError = error
                            pending = machine.failed(Self.classify(error), at: environment.now(), unitRandom: environment.random())
                        case let event?:
                            machine.received(resourceVersion: event.resourceVersion, at: environment.now())
                            return .event(event)
                        }
                    } catch {
                        connection = nil
                        lastError = error
                        pending = machine.failed(Self.classify(error), at: environment.now(), unitRandom: environment.random())
                    }
                    continue
                }
                guard let action = pending else { return nil }
                pending = nil
                switch action {
                case .connect(let version, let timeout):
                    let options = WatchOptions(
                        labelSelector: watcher.labelSelector, fieldSelector: watcher.fieldSelector,
                        resourceVersion: version, timeoutSeconds: timeout, allowWatchBookmarks: true)
                    do {
                        let opened = try await watcher.api.watchConnection(
                            Object.self, namespace: watcher.namespace, options: options)
                        connection = opened.makeAsyncIterator()
                        machine.connected(at: environment.now())
                    } catch {
                        lastError = error
                        pending = machine.failed(Self.classify(error), at: environment.now(), unitRandom: environment.random())
                    }
                case .sleep(let delay):
                    if let limit = watcher.failuresBeforeThrowing, machine.failures >= limit, let lastError { throw lastError }
                    try await environment.sleep(delay)
                    pending = machine.backoffElapsed(unitRandom: environment.random())
                case .relist:
                    throw (lastError as? KubeAPIError)
                        ?? KubeAPIError(code: 410, status: Status(message: "resourceVersion expired", reason: "Expired", code: 410))
                case .fail:
                    throw lastError ?? KubeClientError.undecodableResponse(type: "watch", problem: "failed", bodyPrefix: "")
                }
            }
        }

        static func classify(_ error: any Error) -> WatchStateMachine.Failure {
            switch error {
            case let error as KubeAPIError:
                switch error.category {
                case .gone: return .gone
                case .tooManyRequests, .serverError: return .retryable(retryAfter: error.retryAfter)
                default:
                    // An ERROR event with an odd code (e.g. 500 "too old") is a stream problem.
                    return error.code >= 500 ? .retryable(retryAfter: nil) : .fatal
                }
            case let error as HTTPTransportError:
                if case .cancelled = error { return .fatal }
                if case .invalidRequest = error { return .fatal }
                return .retryable(retryAfter: nil)
            case is CancellationError:
                return .fatal
            case is KubeClientError:
                return .retryable(retryAfter: nil)
            default:
                return .retryable(retryAfter: nil)
            }
        }
    }
}

extension KubernetesAPI {
    /// A restarting watch from `resourceVersion` (see `Watcher`).
    public func watch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String? = nil, resourceVersion: String?, labelSelector: String? = nil,
        environment: RetryEnvironment = .live
    ) -> Watcher<Object> {
        Watcher(
            api: self, namespace: namespace, resourceVersion: resourceVersion, labelSelector: labelSelector,
            environment: environment)
    }
}
