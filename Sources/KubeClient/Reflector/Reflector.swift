import KubeModels

/// What the reflector reports: the full state after each (re)list, then single changes.
public enum ReflectorEvent<Object: KubernetesResource>: Sendable {
    /// A consistent snapshot from a (re)list: replace what you knew with these objects.
    case restarted([Object])
    /// Created or changed.
    case applied(Object)
    /// Deleted, seen by the watch or found missing on a relist (deleted while away).
    case deleted(Object)
    /// An object that does not decode, from a list or a watch event: not cached (an older version
    /// of it is dropped from the cache), reported so the caller can log it and tell its owner.
    case skipped(UndecodableObject)
}

/// List-then-watch of one kind, kept in an `ObjectStore`. Yields `.restarted(all)` after each
/// list, then `.applied`/`.deleted` per change. When the watch expires (410) it lists again and,
/// after the new `.restarted`, yields `.deleted` for every object that vanished meanwhile.
/// List failures that retrying can fix (429, 5xx, transport) back off like the watch does.
/// The list is paged (`pageSize` items a request); when the snapshot a `continue` token pins has
/// expired (410, the server compacted it while the pages were read), the list starts over at
/// once in one request without `limit`, as client-go's pager does, then pages again next time.
/// An object that does not decode is one bad object: yielded as `.skipped`, never cached, and
/// never a reason to fail the list or the watch.
///
/// `transform` (client-go's informer transform) rewrites each listed or watched object before it
/// is cached and yielded, so a cache keeps only what its readers use: at 10,000 objects every
/// field kept is paid for 10,000 times.
public struct Reflector<Object: KubernetesResource>: AsyncSequence, Sendable {
    public typealias Element = ReflectorEvent<Object>

    public let api: any KubernetesAPI
    public let namespace: String?
    public let labelSelector: String?
    public let fieldSelector: String?
    public let pageSize: Int
    public let store: ObjectStore<Object>
    public let backoff: Backoff
    public let environment: RetryEnvironment
    /// After this many consecutive failed lists (or watch attempts), throw the last error instead
    /// of retrying quietly, so the caller can say so (log it, fail readiness) and start over;
    /// nil: retry forever.
    public let failuresBeforeThrowing: Int?
    /// Applied to every object before it is cached and yielded; keeps all of it by default.
    public let transform: @Sendable (Object) -> Object

    public init(
        api: any KubernetesAPI,
        namespace: String? = nil,
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        pageSize: Int = 500,
        store: ObjectStore<Object> = ObjectStore(),
        backoff: Backoff = Backoff(),
        environment: RetryEnvironment = .live,
        failuresBeforeThrowing: Int? = nil,
        transform: @escaping @Sendable (Object) -> Object = { $0 }
    ) {
        self.failuresBeforeThrowing = failuresBeforeThrowing
        self.transform = transform
        self.api = api
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
        self.store = store
        self.backoff = backoff
        self.environment = environment
    }

    public func makeAsyncIterator() -> Iterator { Iterator(reflector: self) }

    /// Lists, then drives a `Watcher` until it expires, then lists again.
    public struct Iterator: AsyncIteratorProtocol {
        let reflector: Reflector
        var watch: Watcher<Object>.Iterator?
        var pending: [ReflectorEvent<Object>] = []
        var listFailures = 0
        /// The last paged list ended in 410 (an expired `continue`): list the next one whole.
        var listWhole = false
        /// How many lists have completed (1 after the initial one).
        public private(set) var listCount = 0

        init(reflector: Reflector) { self.reflector = reflector }

        public mutating func next() async throws -> ReflectorEvent<Object>? {
            while true {
                try Task.checkCancellation()
                if !pending.isEmpty { return pending.removeFirst() }
                guard var current = watch else {
                    try await relist()
                    continue
                }
                do {
                    guard let element = try await current.nextElement() else { return nil }
                    watch = current
                    guard case .event(let event) = element else {
                        if case .undecodable(let bad) = element {
                            if let key = bad.key { reflector.store.remove(key: key) }
                            return .skipped(bad)
                        }
                        continue
                    }
                    switch event {
                    case .added(let object), .modified(let object):
                        let kept = reflector.transform(object)
                        reflector.store.apply(kept)
                        return .applied(kept)
                    case .deleted(let object):
                        let kept = reflector.transform(object)
                        reflector.store.remove(kept)
                        return .deleted(kept)
                    case .bookmark, .error:
                        continue
                    }
                } catch let error as KubeAPIError where error.isGone {
                    watch = nil
                }
            }
        }

        private mutating func relist() async throws {
            var list: ObjectList<Object>
            let undecodable: [UndecodableObject]
            do {
                (list, undecodable) = try await reflector.api.listAllSkippingUndecodable(
                    Object.self, namespace: reflector.namespace,
                    options: ListOptions(labelSelector: reflector.labelSelector, fieldSelector: reflector.fieldSelector),
                    pageSize: listWhole ? 0 : reflector.pageSize).parts
            } catch {
                let failure = Watcher<Object>.Iterator.classify(error)
                if case .gone = failure, !listWhole {
                    // Nothing of the partial list is kept: start over, whole, without waiting.
                    listWhole = true
                    return
                }
                guard case .retryable(let retryAfter) = failure else { throw error }
                if let limit = reflector.failuresBeforeThrowing, listFailures + 1 >= limit { throw error }
                var delay = reflector.backoff.delay(attempt: listFailures, unitRandom: reflector.environment.random())
                if let retryAfter, retryAfter > delay { delay = Swift.min(retryAfter, reflector.backoff.maximum) }
                listFailures += 1
                try await reflector.environment.sleep(delay)
                return
            }
            listFailures = 0
            listWhole = false
            listCount += 1
            // In place, one object at a time: no second array of every object.
            for position in list.items.indices { list.items[position] = reflector.transform(list.items[position]) }
            let removed = reflector.store.replace(with: list.items)
            pending.append(.restarted(list.items))
            pending.append(contentsOf: undecodable.map { .skipped($0) })
            // An object that no longer decodes is not deleted: it is reported as skipped only.
            let skippedKeys = Set(undecodable.compactMap(\.key))
            pending.append(contentsOf: removed.filter { object in object.objectKey.map { !skippedKeys.contains($0) } ?? true }.map { .deleted($0) })
            let watcher = Watcher<Object>(
                api: reflector.api, namespace: reflector.namespace, resourceVersion: list.metadata.resourceVersion,
                labelSelector: reflector.labelSelector, fieldSelector: reflector.fieldSelector,
                backoff: reflector.backoff, environment: reflector.environment,
                failuresBeforeThrowing: reflector.failuresBeforeThrowing)
            watch = watcher.makeAsyncIterator()
        }
    }
}
