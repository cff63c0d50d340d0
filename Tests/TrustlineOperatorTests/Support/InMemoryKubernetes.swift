import Foundation
import KubeClient
import KubeModels
import Synchronization
import TrustlineCore

/// An in-memory Kubernetes API behind `KubernetesAPI`, faithful where the reconciler depends on
/// it: resourceVersion bumped on every change (not on a no-op) with 409 Conflict on a stale one,
/// generation bumped on spec changes, the status subresource (main writes keep status, status
/// writes change only status), JSON merge patch, finalizers with deletionTimestamp, delete
/// preconditions, AlreadyExists and NotFound. Objects are stored as their JSON, typed on the way
/// in and out; every call is recorded so tests can count writes.
final class InMemoryKubernetes: KubernetesAPI {
    /// One recorded call.
    struct Call: Sendable, Equatable {
        var verb: String
        var kind: String
        var namespace: String?
        var name: String?
        var subresource: String?

        var isWrite: Bool { !["get", "list", "watch"].contains(verb) }
        var isStatusWrite: Bool { isWrite && subresource == "status" }
    }

    struct StoreKey: Hashable {
        var plural: String
        var namespace: String
        var name: String
    }

    struct State {
        var objects: [StoreKey: JSONValue] = [:]
        var version = 100
        var uidCounter = 0
        var calls: [Call] = []
        var failures: [String: [KubeAPIError]] = [:]
    }

    /// Kinds (by plural) served with a status subresource.
    let statusSubresourcePlurals: Set<String> = [WorkloadAwsAccess.descriptor.plural]
    let state = Mutex(State())
    static let timestamp = "2026-11-29T12:00:00Z"

    init() {}

    // MARK: Test controls

    var calls: [Call] { state.withLock { $0.calls } }
    var writeCalls: [Call] { calls.filter(\.isWrite) }
    var statusWrites: [Call] { calls.filter(\.isStatusWrite) }
    func resetCalls() { state.withLock { $0.calls.removeAll() } }

    /// The next `times` calls of `verb` on `kind` fail with `error`.
    func fail(_ verb: String, kind: String, with error: KubeAPIError, times: Int = 1) {
        state.withLock { $0.failures["\(verb) \(kind)", default: []] += Array(repeating: error, count: times) }
    }

    /// Stores `object` as `create` would, without recording a call; returns it as stored.
    @discardableResult
    func seed<Object: KubernetesResource>(_ object: Object) throws -> Object {
        try state.withLock { state in try Self.decode(Object.self, try insert(object, into: &state)) }
    }

    /// The stored object, read without recording a call.
    func stored<Object: KubernetesResource>(_ type: Object.Type, namespace: String, name: String) -> Object? {
        let key = StoreKey(plural: Object.descriptor.plural, namespace: namespace, name: name)
        guard let json = state.withLock({ $0.objects[key] }) else { return nil }
        return try? Self.decode(Object.self, json)
    }

    /// Every stored object of a kind in `namespace`, read without recording a call.
    func storedObjects<Object: KubernetesResource>(_ type: Object.Type, namespace: String) -> [Object] {
        let all = state.withLock { state in
            state.objects.filter { $0.key.plural == Object.descriptor.plural && $0.key.namespace == namespace }.map(\.value)
        }
        return all.compactMap { try? Self.decode(Object.self, $0) }
    }

    /// Events whose `regarding` names `name` in `namespace`, in creation order.
    func events(regarding name: String, namespace: String) -> [Event] {
        let all = state.withLock { state in
            state.objects.filter { $0.key.plural == Event.descriptor.plural && $0.key.namespace == namespace }.map(\.value)
        }
        return all.compactMap { try? Self.decode(Event.self, $0) }
            .filter { $0.regarding.name == name }
            .sorted { ($0.metadata.resourceVersion.flatMap(Int.init) ?? 0) < ($1.metadata.resourceVersion.flatMap(Int.init) ?? 0) }
    }

    /// Changes a stored object directly (a user's edit), bumping resourceVersion and, when the
    /// spec changed, generation; no call is recorded.
    func edit<Object: KubernetesResource>(_ type: Object.Type, namespace: String, name: String, _ change: (inout Object) -> Void) throws {
        try state.withLock { state in
            let key = StoreKey(plural: Object.descriptor.plural, namespace: namespace, name: name)
            guard let json = state.objects[key] else { throw Self.notFound(Object.descriptor, name) }
            var object = try Self.decode(Object.self, json)
            change(&object)
            var updated = try Self.encode(object)
            if updated[path: ["spec"]] != json[path: ["spec"]], let generation = json[path: ["metadata", "generation"]], case .number(let value) = generation {
                updated[path: ["metadata", "generation"]] = .number(value + 1)
            }
            _ = Self.commit(updated, previous: json, key: key, into: &state)
        }
    }

    // MARK: Plumbing

    func record(_ verb: String, _ descriptor: ResourceDescriptor, namespace: String?, name: String?, subresource: Subresource? = nil) throws {
        let injected = state.withLock { state -> KubeAPIError? in
            state.calls.append(Call(verb: verb, kind: descriptor.kind, namespace: namespace, name: name, subresource: subresource?.rawValue))
            let failureKey = "\(verb) \(descriptor.kind)"
            guard var queued = state.failures[failureKey], !queued.isEmpty else { return nil }
            let error = queued.removeFirst()
            state.failures[failureKey] = queued
            return error
        }
        if let injected { throw injected }
    }

    func insert<Object: KubernetesResource>(_ object: Object, into state: inout State) throws -> JSONValue {
        let descriptor = Object.descriptor
        var json = try Self.encode(object)
        guard case .string(let name)? = json[path: ["metadata", "name"]], !name.isEmpty else {
            throw KubeAPIError(code: 422, status: Status(message: "metadata.name: Required value", reason: "Invalid", code: 422))
        }
        let namespace = json[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let key = StoreKey(plural: descriptor.plural, namespace: namespace, name: name)
        if state.objects[key] != nil {
            throw KubeAPIError(
                code: 409, status: Status(message: "\(descriptor.plural) \"\(name)\" already exists", reason: "AlreadyExists", code: 409))
        }
        state.uidCounter += 1
        state.version += 1
        json[path: ["metadata", "uid"]] = .string("uid-\(descriptor.plural)-\(state.uidCounter)")
        json[path: ["metadata", "resourceVersion"]] = .string(String(state.version))
        json[path: ["metadata", "creationTimestamp"]] = .string(Self.timestamp)
        json[path: ["metadata", "deletionTimestamp"]] = nil
        json[path: ["apiVersion"]] = .string(descriptor.apiVersion)
        json[path: ["kind"]] = .string(descriptor.kind)
        if statusSubresourcePlurals.contains(descriptor.plural) {
            json[path: ["metadata", "generation"]] = .number(1)
            json[path: ["status"]] = nil
        }
        state.objects[key] = json
        return json
    }

    /// Stores `updated` in place of `previous`: no-op when equal; otherwise a new resourceVersion,
    /// and removal once a deleting object has no finalizers left.
    static func commit(_ updated: JSONValue, previous: JSONValue, key: StoreKey, into state: inout State) -> JSONValue {
        if updated == previous { return previous }
        var result = updated
        state.version += 1
        result[path: ["metadata", "resourceVersion"]] = .string(String(state.version))
        let finalizers = result[path: ["metadata", "finalizers"]]
        let hasFinalizers: Bool
        if case .array(let items)? = finalizers { hasFinalizers = !items.isEmpty } else { hasFinalizers = false }
        if result[path: ["metadata", "deletionTimestamp"]] != nil, !hasFinalizers {
            state.objects[key] = nil
        } else {
            state.objects[key] = result
        }
        return result
    }

    static func encode<Object: Encodable>(_ object: Object) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(object))
    }

    static func decode<Object: Decodable>(_ type: Object.Type, _ json: JSONValue) throws -> Object {
        try JSONDecoder().decode(Object.self, from: try JSONEncoder().encode(json))
    }

    static func notFound(_ descriptor: ResourceDescriptor, _ name: String) -> KubeAPIError {
        KubeAPIError(code: 404, status: Status(message: "\(descriptor.plural) \"\(name)\" not found", reason: "NotFound", code: 404))
    }

    static func conflict(_ descriptor: ResourceDescriptor, _ name: String, _ why: String) -> KubeAPIError {
        KubeAPIError(
            code: 409,
            status: Status(message: "Operation cannot be fulfilled on \(descriptor.plural) \"\(name)\": \(why)", reason: "Conflict", code: 409))
    }

    /// RFC 7386 JSON merge patch.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [String: JSONValue] = [:]
        if case .object(let members) = target { result = members }
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }
}

extension JSONValue {
    /// The value at a path of object keys; setting nil removes the key.
    subscript(path keys: [String]) -> JSONValue? {
        get {
            var current: JSONValue? = self
            for key in keys { current = current?[key] }
            return current
        }
        set {
            guard let first = keys.first else {
                if let newValue { self = newValue }
                return
            }
            var members: [String: JSONValue] = [:]
            if case .object(let existing) = self { members = existing }
            if keys.count == 1 {
                members[first] = newValue
            } else {
                var child = members[first] ?? .object([:])
                child[path: Array(keys.dropFirst())] = newValue
                members[first] = child
            }
            self = .object(members)
        }
    }
}
