import Foundation

/// How a write reaches the object: the main endpoint or the status subresource.
enum WriteTarget: Sendable, Equatable {
    case main
    case status
}

extension StoreState {
    /// PUT and the second half of every PATCH: optimistic concurrency, status subresource
    /// semantics, generation on spec changes only, schema admission, no-op detection and
    /// finalization when the last finalizer goes from an object being deleted.
    mutating func replace(
        type: ResourceType, namespace: String?, name: String, body: JSONValue, target: WriteTarget,
        requireResourceVersion: Bool, dryRun: Bool, strictFields: Bool = false
    ) throws -> JSONValue {
        let storedNamespace = type.namespaced ? namespace : nil
        guard let current = object(type.key, namespace: storedNamespace, name: name) else {
            throw APIError.notFound(plural: type.plural, group: type.group, name: name)
        }
        guard case .object = body else { throw APIError.badRequest("the request body must be a JSON object") }
        try checkKindAndVersion(body, type: type)
        if let bodyName = body[path: ["metadata", "name"]]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if type.namespaced, let bodyNamespace = body[path: ["metadata", "namespace"]]?.stringValue, !bodyNamespace.isEmpty,
            bodyNamespace != namespace
        {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let sentVersion = body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if !sentVersion.isEmpty, sentVersion != current[path: ["metadata", "resourceVersion"]]?.stringValue {
            throw APIError.staleResourceVersion(plural: type.plural, group: type.group, name: name)
        }
        if sentVersion.isEmpty && requireResourceVersion && type.isCustom {
            throw APIError.invalid(
                kind: type.kind, group: type.group, name: name,
                errors: [.invalid("metadata.resourceVersion", value: .int(0), detail: "must be specified for an update")])
        }

        var updated: JSONValue
        switch target {
        case .status:
            updated = current
            updated["status"] = body["status"]
        case .main:
            updated = body
            updated["kind"] = .string(type.kind)
            updated["apiVersion"] = .string(type.apiVersion)
            var metadata = updated["metadata"] ?? [:]
            for systemField in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace", "resourceVersion"] {
                metadata[systemField] = current[path: ["metadata", systemField]]
            }
            updated["metadata"] = metadata
            if type.hasStatusSubresource { updated["status"] = current["status"] }
            if type.key.description == "secrets" { Self.normalizeSecret(&updated) }
            if type.key.description == "namespaces" {
                updated["status"] = current["status"]
                updated["spec"] = current["spec"]
            }
        }

        if current[path: ["metadata", "deletionTimestamp"]] != nil {
            let added = Set(updated.finalizers).subtracting(current.finalizers)
            if !added.isEmpty {
                throw APIError.invalid(
                    kind: type.kind, group: type.group, name: name,
                    errors: [FieldError(field: "metadata.finalizers", reason: "FieldValueForbidden",
                                        message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.sorted().map { "\"\($0)\"" }.joined(separator: ", "))}")])
            }
        }
        if type.key.description == "customresourcedefinitions.apiextensions.k8s.io", target == .main {
            try CustomResourceDefinitions.prepare(&updated, existingTypes: Array(typesByPath.values).filter { $0.group != updated[path: ["spec", "group"]]?.stringValue || $0.plural != updated[path: ["spec", "names", "plural"]]?.stringValue })
        }
        try admit(&updated, type: type, strictFields: strictFields && target == .main)

        if type.isCustom || type.tracksGeneration {
            var oldSpec = current
            var newSpec = updated
            for excluded in ["metadata", "status", "kind", "apiVersion"] {
                oldSpec[excluded] = nil
                newSpec[excluded] = nil
            }
            let generation = current[path: ["metadata", "generation"]]?.intValue ?? 1
            updated[path: ["metadata", "generation"]] = .int(oldSpec == newSpec ? generation : generation + 1)
        }
        if updated == current { return current }
        if dryRun { return updated }

        updated[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        if updated[path: ["metadata", "deletionTimestamp"]] != nil && updated.finalizers.isEmpty {
            return finalize(type: type, object: updated)
        }
        objects[type.key, default: [:]][Self.storageKey(namespace: storedNamespace, name: name)] = updated
        record("MODIFIED", key: type.key, object: updated, previous: current)
        afterWrite(type: type, object: updated)
        return updated
    }
}
