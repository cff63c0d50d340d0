import Foundation

/// A change recorded by the store: kept in the bounded watch history and fanned out to watchers.
struct WatchEvent: Sendable {
    var type: String
    var key: ResourceKey
    var object: JSONValue
    /// The object before a `MODIFIED` change, so selector watches can turn it into ADDED/DELETED.
    var previous: JSONValue?
    var resourceVersion: Int64
}

/// What a watch response writes, one JSON line each.
enum WatchMessage: Sendable {
    case event(type: String, object: JSONValue)
    case bookmark(resourceVersion: Int64)
    /// The BOOKMARK annotated `k8s.io/initial-events-end` that ends the initial state of a
    /// watch-list (`sendInitialEvents=true`), as client-go's reflector waits for it.
    case initialEventsEnd(resourceVersion: Int64)
    case error(JSONValue)
}

/// Which objects one watch wants: a collection, optionally one namespace, and selectors.
struct WatchFilter: Sendable {
    var type: ResourceType
    var namespace: String?
    var labelSelector: LabelSelector
    var fieldSelector: FieldSelector

    func matches(_ object: JSONValue) -> Bool {
        if let namespace, object[path: ["metadata", "namespace"]]?.stringValue != namespace { return false }
        return labelSelector.matches(object.labels) && fieldSelector.matches(object)
    }

    /// The message this watch sees for an event, or nil when it is not its business.
    func message(for event: WatchEvent) -> WatchMessage? {
        guard event.key == type.key else { return nil }
        let nowMatches = matches(event.object)
        var object = event.object
        object["apiVersion"] = .string(type.apiVersion)
        switch event.type {
        case "MODIFIED":
            let wasMatching = event.previous.map(matches) ?? false
            switch (wasMatching, nowMatches) {
            case (true, true): return .event(type: "MODIFIED", object: object)
            case (false, true): return .event(type: "ADDED", object: object)
            case (true, false): return .event(type: "DELETED", object: object)
            case (false, false): return nil
            }
        default:
            return nowMatches ? .event(type: event.type, object: object) : nil
        }
    }
}

/// One open watch: its filter and the stream its HTTP response drains.
struct WatchSubscription: Sendable {
    var filter: WatchFilter
    var continuation: AsyncStream<WatchMessage>.Continuation
}
