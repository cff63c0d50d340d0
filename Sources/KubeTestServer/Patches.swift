import Foundation

/// The patch formats a PATCH request may carry, by Content-Type.
enum PatchFormat: String, Sendable {
    case merge = "application/merge-patch+json"
    case json = "application/json-patch+json"
    case strategic = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"

    static let accepted = [json.rawValue, merge.rawValue, apply.rawValue]
    static let acceptedBuiltIn = [json.rawValue, merge.rawValue, strategic.rawValue, apply.rawValue]
}

/// Pure patch algorithms: RFC 7386 merge patch, RFC 6902 JSON patch, the subset of strategic
/// merge patch kubectl sends for built-in kinds, and the merge used for server-side apply.
enum Patches {
    // MARK: JSON merge patch

    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    // MARK: JSON patch

    static func jsonPatch(_ target: JSONValue, _ patch: JSONValue) throws -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw APIError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw APIError.badRequest("invalid JSON patch operation: \(operation.serializedString())")
            }
            let pointer = try JSONPointer(path)
            switch op {
            case "add":
                document = try pointer.adding(operation["value"] ?? .null, to: document)
            case "remove":
                document = try pointer.removing(from: document)
            case "replace":
                _ = try pointer.value(in: document)
                document = try pointer.removing(from: document)
                document = try pointer.adding(operation["value"] ?? .null, to: document)
            case "move", "copy":
                guard let fromPath = operation["from"]?.stringValue else {
                    throw APIError.badRequest("missing from in \(op) operation")
                }
                let from = try JSONPointer(fromPath)
                let value = try from.value(in: document)
                if op == "move" { document = try from.removing(from: document) }
                document = try pointer.adding(value, to: document)
            case "test":
                let actual = try pointer.value(in: document)
                if actual != (operation["value"] ?? .null) {
                    throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: testing value \(path) failed: test failed")
                }
            default:
                throw APIError.badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    // MARK: Strategic merge patch (subset)

    /// Lists kubectl touches on built-in kinds that merge by key instead of being replaced.
    static let mergeKeys: [String: String] = [
        "metadata.ownerReferences": "uid", "secrets": "name", "imagePullSecrets": "name",
        // Mutating and validating webhook configurations: `webhooks` is patchMergeKey "name".
        "webhooks": "name",
    ]
    static let primitiveMergeLists: Set<String> = ["metadata.finalizers", "spec.finalizers"]

    static func strategicMergePatch(_ target: JSONValue, _ patch: JSONValue, path: String = "") -> JSONValue? {
        guard case .object(var patchMembers) = patch else { return patch }
        if patchMembers["$patch"]?.stringValue == "delete" { return nil }
        if patchMembers["$patch"]?.stringValue == "replace" {
            patchMembers["$patch"] = nil
            return .object(patchMembers.filter { !$0.key.hasPrefix("$") })
        }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if key.hasPrefix("$setElementOrder/") || key == "$patch" { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let listKey = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removed = value.arrayValue ?? []
                if let existing = result[listKey]?.arrayValue {
                    result[listKey] = .array(existing.filter { !removed.contains($0) })
                }
                continue
            }
            if key == "$retainKeys" { continue }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if value.isNull {
                result[key] = nil
            } else if case .array(let items) = value {
                result[key] = mergeList(existing: result[key]?.arrayValue ?? [], patch: items, path: childPath)
            } else if case .object = value {
                result[key] = strategicMergePatch(result[key] ?? .null, value, path: childPath)
            } else {
                result[key] = value
            }
        }
        if let retained = patchMembers["$retainKeys"]?.arrayValue?.compactMap(\.stringValue) {
            result = result.filter { retained.contains($0.key) }
        }
        return .object(result)
    }

    private static func mergeList(existing: [JSONValue], patch: [JSONValue], path: String) -> JSONValue {
        if primitiveMergeLists.contains(path) {
            var merged = existing
            for item in patch where !merged.contains(item) { merged.append(item) }
            return .array(merged)
        }
        guard let mergeKey = mergeKeys[path] else {
            return .array(patch.compactMap { strategicMergePatch(.null, $0, path: path) })
        }
        var merged = existing
        for item in patch {
            let keyValue = item[mergeKey]
            if let index = merged.firstIndex(where: { $0[mergeKey] == keyValue && keyValue != nil }) {
                if let updated = strategicMergePatch(merged[index], item, path: path) {
                    merged[index] = updated
                } else {
                    merged.remove(at: index)
                }
            } else if item["$patch"]?.stringValue != "delete" {
                merged.append(item)
            }
        }
        return .array(merged)
    }

    // MARK: Server-side apply

    /// Merges an applied configuration into the live object: maps merge recursively, lists
    /// declared `x-kubernetes-list-type: map` merge by their keys, `set` lists union, other
    /// lists are replaced. Field ownership (managedFields) and conflicts are not tracked.
    static func applyMerge(_ live: JSONValue, _ applied: JSONValue, schema: JSONValue?) -> JSONValue {
        switch (live, applied) {
        case (.object(var liveMembers), .object(let appliedMembers)):
            for (key, value) in appliedMembers {
                if value.isNull {
                    liveMembers[key] = nil
                    continue
                }
                let childSchema = schema?["properties"]?[key] ?? schema?["additionalProperties"]
                if let existing = liveMembers[key] {
                    liveMembers[key] = applyMerge(existing, value, schema: childSchema)
                } else {
                    liveMembers[key] = value
                }
            }
            return .object(liveMembers)
        case (.array(let liveItems), .array(let appliedItems)):
            switch schema?["x-kubernetes-list-type"]?.stringValue {
            case "map":
                let keys = schema?["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
                var merged = liveItems
                for item in appliedItems {
                    if let index = merged.firstIndex(where: { candidate in keys.allSatisfy { candidate[$0] == item[$0] } }) {
                        merged[index] = applyMerge(merged[index], item, schema: schema?["items"])
                    } else {
                        merged.append(item)
                    }
                }
                return .array(merged)
            case "set":
                var merged = liveItems
                for item in appliedItems where !merged.contains(item) { merged.append(item) }
                return .array(merged)
            default:
                return applied
            }
        default:
            return applied
        }
    }
}

/// RFC 6901 JSON pointer, for JSON patch.
struct JSONPointer: Sendable {
    var tokens: [String]

    init(_ text: String) throws {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { throw APIError.badRequest("JSON pointer must start with /: \(text)") }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    func value(in document: JSONValue) throws -> JSONValue {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw missing() }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw missing() }
                current = items[index]
            default:
                throw missing()
            }
        }
        return current
    }

    func adding(_ value: JSONValue, to document: JSONValue) throws -> JSONValue {
        try modify(document, tokens[...]) { parent, last in
            switch parent {
            case .object(var members):
                members[last] = value
                return .object(members)
            case .array(var items):
                if last == "-" {
                    items.append(value)
                } else {
                    guard let index = Int(last), index >= 0, index <= items.count else { throw missing() }
                    items.insert(value, at: index)
                }
                return .array(items)
            default:
                throw missing()
            }
        }
    }

    func removing(from document: JSONValue) throws -> JSONValue {
        try modify(document, tokens[...]) { parent, last in
            switch parent {
            case .object(var members):
                guard members[last] != nil else { throw missing() }
                members[last] = nil
                return .object(members)
            case .array(var items):
                guard let index = Int(last), items.indices.contains(index) else { throw missing() }
                items.remove(at: index)
                return .array(items)
            default:
                throw missing()
            }
        }
    }

    private func modify(
        _ node: JSONValue, _ rest: ArraySlice<String>, _ change: (JSONValue, String) throws -> JSONValue
    ) throws -> JSONValue {
        guard let first = rest.first else { throw missing() }
        if rest.count == 1 { return try change(node, first) }
        switch node {
        case .object(var members):
            guard let child = members[first] else { throw missing() }
            members[first] = try modify(child, rest.dropFirst(), change)
            return .object(members)
        case .array(var items):
            guard let index = Int(first), items.indices.contains(index) else { throw missing() }
            items[index] = try modify(items[index], rest.dropFirst(), change)
            return .array(items)
        default:
            throw missing()
        }
    }

    private func missing() -> APIError {
        APIError(code: 422, reason: "Invalid",
                 message: "the server rejected our request due to an error in our request: doc is missing path: \"/\(tokens.joined(separator: "/"))\": missing value")
    }
}
