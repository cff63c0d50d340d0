import Foundation

/// `events.k8s.io/v1` Events are stored as core `v1` Events, as on a real API server, so an
/// event the operator writes through one API shows in `kubectl get events` and
/// `kubectl describe` through the other. This maps the renamed fields both ways.
enum EventConversion {
    /// (core v1 field, events.k8s.io/v1 field)
    static let renamedFields: [(core: String, events: String)] = [
        ("involvedObject", "regarding"), ("message", "note"), ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"), ("reportingComponent", "reportingController"),
    ]

    static func isEventsV1(_ type: ResourceType) -> Bool {
        type.group == "events.k8s.io" && type.plural == "events"
    }

    static func toCore(_ event: JSONValue) -> JSONValue {
        var converted = event
        for (core, events) in renamedFields {
            converted[core] = event[events]
            converted[events] = nil
        }
        converted["apiVersion"] = "v1"
        converted["kind"] = "Event"
        return converted
    }

    static func toEventsV1(_ event: JSONValue) -> JSONValue {
        var converted = event
        for (core, events) in renamedFields {
            converted[events] = event[core]
            converted[core] = nil
        }
        converted["apiVersion"] = "events.k8s.io/v1"
        converted["kind"] = "Event"
        return converted
    }
}
