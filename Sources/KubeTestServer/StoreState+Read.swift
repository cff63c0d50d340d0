import Foundation

/// The list query parameters the server honours.
struct ListOptions: Sendable {
    var labelSelector = LabelSelector()
    var fieldSelector = FieldSelector()
    var limit: Int?
    var continueToken: String?
}

extension StoreState {
    func get(type: ResourceType, namespace: String?, name: String) throws -> JSONValue {
        guard var found = object(type.key, namespace: type.namespaced ? namespace : nil, name: name) else {
            throw APIError.notFound(plural: type.plural, group: type.group, name: name)
        }
        found["apiVersion"] = .string(type.apiVersion)
        return found
    }

    /// A `<Kind>List` in namespace/name order with `limit`/`continue` paging; an expired
    /// continue token (older than the watch history) is a 410 as on a compacted etcd. Unlike
    /// etcd, a continued page shows the objects as they are now, not as they were at the first
    /// page's resourceVersion; a watch from that version replays the difference either way.
    func list(type: ResourceType, namespace: String?, options: ListOptions) throws -> JSONValue {
        var start: String?
        var listVersion = resourceVersion
        if let token = options.continueToken, !token.isEmpty {
            guard let decoded = ContinueToken(encoded: token) else {
                throw APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            }
            if decoded.resourceVersion < evictedThrough {
                throw APIError.gone(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
            }
            start = decoded.startAfter
            listVersion = decoded.resourceVersion
        }
        let filter = WatchFilter(
            type: type, namespace: type.namespaced ? namespace : nil,
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        var matching = sortedObjects(type.key).filter { filter.matches($0.1) }
        if let start { matching = matching.filter { $0.0 > start } }

        var metadata: JSONValue = ["resourceVersion": .string(String(listVersion))]
        var page = matching
        if let limit = options.limit, limit > 0, matching.count > limit {
            page = Array(matching.prefix(limit))
            if let last = page.last {
                metadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, startAfter: last.0).encoded)
                // As the API server: only without selectors, where the count it has is the count
                // of matching objects; with one it leaves the field out rather than guess.
                if options.labelSelector.requirements.isEmpty && options.fieldSelector.requirements.isEmpty {
                    metadata["remainingItemCount"] = .int(Int64(matching.count - limit))
                }
            }
        }
        let items: [JSONValue] = page.map { entry in
            var item = entry.1
            item["apiVersion"] = .string(type.apiVersion)
            return item
        }
        return [
            "kind": .string(type.listKind), "apiVersion": .string(type.apiVersion),
            "metadata": metadata, "items": .array(items),
        ]
    }
}

/// The opaque `continue` value: the list's resourceVersion and the last key returned.
struct ContinueToken: Sendable {
    var resourceVersion: Int64
    var startAfter: String

    init(resourceVersion: Int64, startAfter: String) {
        self.resourceVersion = resourceVersion
        self.startAfter = startAfter
    }

    init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let value = try? JSONValue.parse(data),
            let version = value["rv"]?.intValue, let start = value["start"]?.stringValue
        else { return nil }
        self.resourceVersion = version
        self.startAfter = start
    }

    var encoded: String {
        let value: JSONValue = ["rv": .int(resourceVersion), "start": .string(startAfter)]
        return value.serialized().base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
