import Foundation

/// Everything the server knows, mutated only under the store's lock: the served kinds, the
/// objects, the global resourceVersion counter, the bounded watch history and the open watches.
struct StoreState: Sendable {
    var typesByPath: [String: ResourceType] = [:]
    var objects: [ResourceKey: [String: JSONValue]] = [:]
    var resourceVersion: Int64 = 0
    var history: [WatchEvent] = []
    var historyLimit: Int
    /// Highest resourceVersion whose event fell out of the history: watches from before it get 410.
    var evictedThrough: Int64 = 0
    var watchers: [Int: WatchSubscription] = [:]
    var nextWatcherID = 0
    var appliedFields = AppliedFields()
    /// Set when the server stops: new watches end at once.
    var closed = false

    init(historyLimit: Int) {
        self.historyLimit = max(1, historyLimit)
        for type in ResourceType.builtIns { register(type) }
    }

    // MARK: Types

    static func typePath(group: String, version: String, plural: String) -> String { "\(group)/\(version)/\(plural)" }

    mutating func register(_ type: ResourceType) {
        typesByPath[Self.typePath(group: type.group, version: type.version, plural: type.plural)] = type
        if objects[type.key] == nil { objects[type.key] = [:] }
    }

    func type(group: String, version: String, plural: String) -> ResourceType? {
        typesByPath[Self.typePath(group: group, version: version, plural: plural)]
    }

    static func storageKey(namespace: String?, name: String) -> String { "\(namespace ?? "")/\(name)" }

    func object(_ key: ResourceKey, namespace: String?, name: String) -> JSONValue? {
        objects[key]?[Self.storageKey(namespace: namespace, name: name)]
    }

    func namespaceExists(_ name: String) -> Bool {
        object(ResourceKey(group: "", plural: "namespaces"), namespace: nil, name: name) != nil
    }

    // MARK: Events

    mutating func nextResourceVersion() -> Int64 {
        resourceVersion += 1
        return resourceVersion
    }

    /// Appends to the bounded history and hands the event to every matching watch, in order.
    mutating func record(_ type: String, key: ResourceKey, object: JSONValue, previous: JSONValue?) {
        let event = WatchEvent(
            type: type, key: key, object: object, previous: previous,
            resourceVersion: object.resourceVersionNumber ?? resourceVersion)
        history.append(event)
        if history.count > historyLimit {
            let overflow = history.count - historyLimit
            evictedThrough = history[overflow - 1].resourceVersion
            history.removeFirst(overflow)
        }
        for subscription in watchers.values {
            if let message = subscription.filter.message(for: event) {
                subscription.continuation.yield(message)
            }
        }
    }

    // MARK: Watch registration

    /// Registers a watch atomically with respect to writes: replays history after `since` (or
    /// sends the current state as ADDED when `since` is nil), then receives live events.
    mutating func startWatch(
        filter: WatchFilter, since: Int64?, sendInitialEvents: Bool = false,
        continuation: AsyncStream<WatchMessage>.Continuation
    ) throws -> Int {
        if sendInitialEvents {
            for (_, object) in sortedObjects(filter.type.key) where filter.matches(object) {
                var copy = object
                copy["apiVersion"] = .string(filter.type.apiVersion)
                continuation.yield(.event(type: "ADDED", object: copy))
            }
            continuation.yield(.initialEventsEnd(resourceVersion: resourceVersion))
        } else if let since, since > 0 {
            if since < evictedThrough {
                throw APIError.gone("too old resource version: \(since) (\(evictedThrough + 1))")
            }
            for event in history where event.resourceVersion > since {
                if let message = filter.message(for: event) { continuation.yield(message) }
            }
        } else {
            for (_, object) in sortedObjects(filter.type.key) where filter.matches(object) {
                var copy = object
                copy["apiVersion"] = .string(filter.type.apiVersion)
                continuation.yield(.event(type: "ADDED", object: copy))
            }
        }
        nextWatcherID += 1
        watchers[nextWatcherID] = WatchSubscription(filter: filter, continuation: continuation)
        return nextWatcherID
    }

    mutating func stopWatch(_ id: Int) {
        watchers[id] = nil
    }

    func sortedObjects(_ key: ResourceKey) -> [(String, JSONValue)] {
        (objects[key] ?? [:]).sorted { $0.key < $1.key }
    }
}

extension JSONValue {
    var resourceVersionNumber: Int64? {
        self[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap { Int64($0) }
    }
    var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    var namespace: String? { self[path: ["metadata", "namespace"]]?.stringValue }
    var uid: String? { self[path: ["metadata", "uid"]]?.stringValue }
    var finalizers: [String] { self[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
