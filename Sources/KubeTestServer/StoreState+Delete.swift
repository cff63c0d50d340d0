import Foundation

/// `DeleteOptions` as sent in a DELETE body or query.
struct DeleteOptions: Sendable {
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    /// `Orphan`, `Background` or `Foreground` (Foreground is handled as Background).
    var propagationPolicy: String?
    var dryRun = false
}

/// The outcome of a DELETE: the object is gone, or it stays (marked) until its finalizers go.
enum DeleteOutcome: Sendable {
    case deleted(JSONValue)
    case marked(JSONValue)
}

extension StoreState {
    mutating func delete(type: ResourceType, namespace: String?, name: String, options: DeleteOptions) throws -> DeleteOutcome {
        let storedNamespace = type.namespaced ? namespace : nil
        guard let current = object(type.key, namespace: storedNamespace, name: name) else {
            throw APIError.notFound(plural: type.plural, group: type.group, name: name)
        }
        if let uid = options.preconditionUID, uid != current.uid {
            throw APIError.conflict(
                plural: type.plural, group: type.group, name: name,
                why: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid ?? "")")
        }
        let currentVersion = current[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if let version = options.preconditionResourceVersion, version != currentVersion {
            throw APIError.conflict(
                plural: type.plural, group: type.group, name: name,
                why: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(currentVersion)")
        }
        if options.dryRun { return .deleted(current) }
        if options.propagationPolicy == "Foreground", let outcome = deleteInForeground(type: type, current: current) {
            return outcome
        }
        return deleteObject(type: type, current: current, orphan: options.propagationPolicy == "Orphan")
    }

    /// Marks an object with finalizers (or a namespace with content), removes it otherwise.
    mutating func deleteObject(type: ResourceType, current: JSONValue, orphan: Bool) -> DeleteOutcome {
        if type.key.description == "namespaces" { return deleteNamespace(current) }
        if type.key == Self.definitionsKey { return deleteDefinition(type: type, current: current) }
        if !current.finalizers.isEmpty {
            if current[path: ["metadata", "deletionTimestamp"]] != nil { return .marked(current) }
            var marked = current
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Stamp.now())
            marked[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(0)
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            objects[type.key, default: [:]][Self.storageKey(namespace: type.namespaced ? current.namespace : nil, name: current.name)] = marked
            record("MODIFIED", key: type.key, object: marked, previous: current)
            return .marked(marked)
        }
        var removed = current
        removed[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        return .deleted(finalize(type: type, object: removed, orphanDependents: orphan))
    }

    /// Removes an object for good, emits DELETED, then cascades: a CRD takes its custom
    /// resources with it, dependents lose their owner reference and are collected when none is
    /// left, and a terminating namespace goes once it is empty.
    @discardableResult
    mutating func finalize(type: ResourceType, object: JSONValue, orphanDependents: Bool = false) -> JSONValue {
        let storedNamespace = type.namespaced ? object.namespace : nil
        objects[type.key]?[Self.storageKey(namespace: storedNamespace, name: object.name)] = nil
        record("DELETED", key: type.key, object: object, previous: nil)
        if let uid = object.uid { appliedFields.forget(uid: uid) }

        if type.key.description == "customresourcedefinitions.apiextensions.k8s.io" {
            for servedType in CustomResourceDefinitions.resourceTypes(from: object) {
                for (_, snapshot) in sortedObjects(servedType.key) {
                    guard let customObject = fresh(servedType, snapshot) else { continue }
                    var removed = customObject
                    removed[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
                    finalize(type: servedType, object: removed)
                }
                typesByPath[Self.typePath(group: servedType.group, version: servedType.version, plural: servedType.plural)] = nil
            }
        }
        if let uid = object.uid { collectDependents(ofOwner: uid, orphan: orphanDependents) }
        let ownerUIDs = object[path: ["metadata", "ownerReferences"]]?.arrayValue?.compactMap { $0["uid"]?.stringValue } ?? []
        for ownerUID in ownerUIDs { releaseForegroundOwner(uid: ownerUID) }
        if let namespace = storedNamespace { finishNamespaceIfEmpty(namespace) }
        if type.isCustom { _ = finishDefinitionIfEmpty("\(type.plural).\(type.group)") }
        return object
    }

    static let foregroundFinalizer = "foregroundDeletion"

    /// `propagationPolicy=Foreground`: the owner is marked with the `foregroundDeletion`
    /// finalizer and stays until its dependents are gone. Nil when it has no dependents.
    mutating func deleteInForeground(type: ResourceType, current: JSONValue) -> DeleteOutcome? {
        guard let uid = current.uid, !dependents(ofOwner: uid).isEmpty else { return nil }
        var marked = current
        if current[path: ["metadata", "deletionTimestamp"]] == nil {
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Stamp.now())
            marked[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(0)
        }
        if !current.finalizers.contains(Self.foregroundFinalizer) {
            marked[path: ["metadata", "finalizers"]] = .array((current.finalizers + [Self.foregroundFinalizer]).map { .string($0) })
        }
        if marked != current {
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            objects[type.key, default: [:]][Self.storageKey(namespace: type.namespaced ? current.namespace : nil, name: current.name)] = marked
            record("MODIFIED", key: type.key, object: marked, previous: current)
        }
        for (dependentType, snapshot) in dependents(ofOwner: uid) {
            guard let dependent = fresh(dependentType, snapshot) else { continue }
            _ = deleteObject(type: dependentType, current: dependent, orphan: false)
        }
        releaseForegroundOwner(uid: uid)
        guard let stillThere = anyObject(uid: uid) else { return .deleted(marked) }
        return .marked(stillThere.1)
    }

    func dependents(ofOwner uid: String) -> [(ResourceType, JSONValue)] {
        var found: [(ResourceType, JSONValue)] = []
        for (key, members) in objects {
            guard let dependentType = anyType(for: key) else { continue }
            for (_, member) in members.sorted(by: { $0.key < $1.key })
            where member[path: ["metadata", "ownerReferences"]]?.arrayValue?.contains(where: { $0["uid"]?.stringValue == uid }) == true {
                found.append((dependentType, member))
            }
        }
        return found
    }

    func anyObject(uid: String) -> (ResourceType, JSONValue)? {
        for (key, members) in objects {
            if let match = members.values.first(where: { $0.uid == uid }), let type = anyType(for: key) { return (type, match) }
        }
        return nil
    }

    /// Lets an owner deleted in the foreground go once its last dependent is gone.
    mutating func releaseForegroundOwner(uid: String) {
        guard let (ownerType, owner) = anyObject(uid: uid), owner.finalizers.contains(Self.foregroundFinalizer),
            dependents(ofOwner: uid).isEmpty
        else { return }
        var released = owner
        let remaining = owner.finalizers.filter { $0 != Self.foregroundFinalizer }
        released[path: ["metadata", "finalizers"]] = remaining.isEmpty ? nil : .array(remaining.map { .string($0) })
        released[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        if remaining.isEmpty {
            finalize(type: ownerType, object: released)
            return
        }
        objects[ownerType.key, default: [:]][Self.storageKey(namespace: ownerType.namespaced ? owner.namespace : nil, name: owner.name)] = released
        record("MODIFIED", key: ownerType.key, object: released, previous: owner)
    }

    static let definitionsKey = ResourceKey(group: "apiextensions.k8s.io", plural: "customresourcedefinitions")
    static let definitionCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

    /// As the real server: the CRD is marked (with the cleanup finalizer), its custom resources
    /// are deleted (each waiting for its own finalizers), and the CRD goes when none is left.
    mutating func deleteDefinition(type: ResourceType, current: JSONValue) -> DeleteOutcome {
        var marked = current
        if current[path: ["metadata", "deletionTimestamp"]] == nil {
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Stamp.now())
            marked[path: ["metadata", "finalizers"]] = .array((current.finalizers + [Self.definitionCleanupFinalizer]).map { .string($0) })
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            objects[type.key, default: [:]][Self.storageKey(namespace: nil, name: current.name)] = marked
            record("MODIFIED", key: type.key, object: marked, previous: current)
        }
        var seen = Set<ResourceKey>()
        for servedType in CustomResourceDefinitions.resourceTypes(from: marked) where seen.insert(servedType.key).inserted {
            for (_, snapshot) in sortedObjects(servedType.key) {
                guard let instance = fresh(servedType, snapshot) else { continue }
                _ = deleteObject(type: servedType, current: instance, orphan: false)
            }
        }
        if let outcome = finishDefinitionIfEmpty(current.name) { return outcome }
        return .marked(object(type.key, namespace: nil, name: current.name) ?? marked)
    }

    /// Removes a terminating CRD once it serves no objects (or drops just the cleanup finalizer
    /// when users' finalizers remain).
    mutating func finishDefinitionIfEmpty(_ name: String) -> DeleteOutcome? {
        guard let definition = object(Self.definitionsKey, namespace: nil, name: name),
            definition[path: ["metadata", "deletionTimestamp"]] != nil,
            definition.finalizers.contains(Self.definitionCleanupFinalizer),
            let definitionType = anyType(for: Self.definitionsKey)
        else { return nil }
        let keys = Set(CustomResourceDefinitions.resourceTypes(from: definition).map(\.key))
        if keys.contains(where: { !(objects[$0]?.isEmpty ?? true) }) { return nil }
        var released = definition
        let remaining = definition.finalizers.filter { $0 != Self.definitionCleanupFinalizer }
        released[path: ["metadata", "finalizers"]] = remaining.isEmpty ? nil : .array(remaining.map { .string($0) })
        released[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        if !remaining.isEmpty {
            objects[Self.definitionsKey, default: [:]][Self.storageKey(namespace: nil, name: name)] = released
            record("MODIFIED", key: Self.definitionsKey, object: released, previous: definition)
            return .marked(released)
        }
        return .deleted(finalize(type: definitionType, object: released))
    }

    /// Background garbage collection by owner uid.
    mutating func collectDependents(ofOwner uid: String, orphan: Bool) {
        for (key, members) in objects {
            guard let dependentType = anyType(for: key) else { continue }
            for (_, snapshot) in members.sorted(by: { $0.key < $1.key }) {
                guard let dependent = fresh(dependentType, snapshot),
                    let references = dependent[path: ["metadata", "ownerReferences"]]?.arrayValue,
                    references.contains(where: { $0["uid"]?.stringValue == uid })
                else { continue }
                let remaining = references.filter { $0["uid"]?.stringValue != uid }
                if remaining.isEmpty && !orphan {
                    _ = deleteObject(type: dependentType, current: dependent, orphan: false)
                    continue
                }
                var updated = dependent
                updated[path: ["metadata", "ownerReferences"]] = remaining.isEmpty ? nil : .array(remaining)
                updated[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
                objects[key]?[Self.storageKey(namespace: dependentType.namespaced ? dependent.namespace : nil, name: dependent.name)] = updated
                record("MODIFIED", key: key, object: updated, previous: dependent)
            }
        }
    }

    /// The stored version of a snapshot taken before a cascade, nil if the cascade removed it.
    func fresh(_ type: ResourceType, _ snapshot: JSONValue) -> JSONValue? {
        guard let stored = object(type.key, namespace: type.namespaced ? snapshot.namespace : nil, name: snapshot.name),
            stored.uid == snapshot.uid
        else { return nil }
        return stored
    }

    func anyType(for key: ResourceKey) -> ResourceType? {
        typesByPath.values.filter { $0.key == key }.sorted { $0.version < $1.version }.first
    }

    mutating func deleteNamespace(_ current: JSONValue) -> DeleteOutcome {
        let name = current.name
        var marked = current
        if current[path: ["metadata", "deletionTimestamp"]] == nil {
            marked[path: ["metadata", "deletionTimestamp"]] = .string(Stamp.now())
            marked[path: ["status", "phase"]] = "Terminating"
            marked[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
            objects[ResourceKey(group: "", plural: "namespaces")]?[Self.storageKey(namespace: nil, name: name)] = marked
            record("MODIFIED", key: ResourceKey(group: "", plural: "namespaces"), object: marked, previous: current)
        }
        for (key, members) in objects where key.description != "namespaces" {
            guard let type = anyType(for: key), type.namespaced else { continue }
            for (_, snapshot) in members.sorted(by: { $0.key < $1.key }) where snapshot.namespace == name {
                guard let member = fresh(type, snapshot) else { continue }
                _ = deleteObject(type: type, current: member, orphan: false)
            }
        }
        if let stillThere = object(ResourceKey(group: "", plural: "namespaces"), namespace: nil, name: name) {
            return .marked(stillThere)
        }
        return .deleted(marked)
    }

    mutating func finishNamespaceIfEmpty(_ namespace: String) {
        let namespacesKey = ResourceKey(group: "", plural: "namespaces")
        guard let owner = object(namespacesKey, namespace: nil, name: namespace),
            owner[path: ["metadata", "deletionTimestamp"]] != nil
        else { return }
        let occupied = objects.contains { key, members in
            key != namespacesKey && members.values.contains { $0.namespace == namespace }
        }
        if occupied { return }
        var removed = owner
        removed[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        objects[namespacesKey]?[Self.storageKey(namespace: nil, name: namespace)] = nil
        record("DELETED", key: namespacesKey, object: removed, previous: nil)
        if let uid = removed.uid { collectDependents(ofOwner: uid, orphan: false) }
    }
}
