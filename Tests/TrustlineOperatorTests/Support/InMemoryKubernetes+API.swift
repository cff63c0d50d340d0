import Foundation
import KubeClient
import KubeModels

/// The `KubernetesAPI` calls of the in-memory Kubernetes.
extension InMemoryKubernetes {
    func get<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String) async throws -> Object {
        try record("get", Object.descriptor, namespace: namespace, name: name)
        let key = StoreKey(plural: Object.descriptor.plural, namespace: namespace ?? "", name: name)
        guard let json = state.withLock({ $0.objects[key] }) else { throw Self.notFound(Object.descriptor, name) }
        return try Self.decode(Object.self, json)
    }

    func list<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, options: ListOptions) async throws -> ObjectList<Object> {
        try record("list", Object.descriptor, namespace: namespace, name: nil)
        let (items, version) = state.withLock { state in
            (state.objects.filter { $0.key.plural == Object.descriptor.plural && (namespace == nil || $0.key.namespace == namespace) }
                .sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }.map(\.value), state.version)
        }
        return ObjectList(metadata: ListMeta(resourceVersion: String(version)), items: try items.map { try Self.decode(Object.self, $0) })
    }

    func create<Object: KubernetesResource>(_ object: Object, options: WriteOptions) async throws -> Object {
        try record("create", Object.descriptor, namespace: object.metadata.namespace, name: object.metadata.name)
        return try state.withLock { state in try Self.decode(Object.self, try insert(object, into: &state)) }
    }

    func update<Object: KubernetesResource>(_ object: Object, subresource: Subresource?, options: WriteOptions) async throws -> Object {
        let descriptor = Object.descriptor
        let name = object.metadata.name ?? ""
        try record("update", descriptor, namespace: object.metadata.namespace, name: name, subresource: subresource)
        let body = try Self.encode(object)
        return try state.withLock { state in
            let key = StoreKey(plural: descriptor.plural, namespace: object.metadata.namespace ?? "", name: name)
            guard let stored = state.objects[key] else { throw Self.notFound(descriptor, name) }
            if let version = object.metadata.resourceVersion, .string(version) != stored[path: ["metadata", "resourceVersion"]] {
                throw Self.conflict(descriptor, name, "the object has been modified; please apply your changes to the latest version and try again")
            }
            let updated = merged(body: body, onto: stored, descriptor: descriptor, subresource: subresource)
            return try Self.decode(Object.self, Self.commit(updated, previous: stored, key: key, into: &state))
        }
    }

    func patch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch: Patch, subresource: Subresource?, options: WriteOptions
    ) async throws -> Object {
        let descriptor = Object.descriptor
        try record("patch", descriptor, namespace: namespace, name: name, subresource: subresource)
        guard patch.kind == .merge else {
            throw KubeAPIError(code: 415, status: Status(message: "the fake serves only merge patches", reason: "UnsupportedMediaType", code: 415))
        }
        let patchBody = try JSONDecoder().decode(JSONValue.self, from: patch.body)
        return try state.withLock { state in
            let key = StoreKey(plural: descriptor.plural, namespace: namespace ?? "", name: name)
            guard let stored = state.objects[key] else { throw Self.notFound(descriptor, name) }
            if let version = patchBody[path: ["metadata", "resourceVersion"]], version != stored[path: ["metadata", "resourceVersion"]] {
                throw Self.conflict(descriptor, name, "the object has been modified; please apply your changes to the latest version and try again")
            }
            let patched = Self.mergePatch(stored, patchBody)
            let updated = merged(body: patched, onto: stored, descriptor: descriptor, subresource: subresource)
            return try Self.decode(Object.self, Self.commit(updated, previous: stored, key: key, into: &state))
        }
    }

    func delete<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, options: DeleteOptions
    ) async throws -> DeletionResult<Object> {
        let descriptor = Object.descriptor
        try record("delete", descriptor, namespace: namespace, name: name)
        return try state.withLock { state in
            let key = StoreKey(plural: descriptor.plural, namespace: namespace ?? "", name: name)
            guard let stored = state.objects[key] else { throw Self.notFound(descriptor, name) }
            if let uid = options.preconditions?.uid, .string(uid) != stored[path: ["metadata", "uid"]] {
                throw Self.conflict(descriptor, name, "Precondition failed: UID in precondition: \(uid)")
            }
            if let version = options.preconditions?.resourceVersion, .string(version) != stored[path: ["metadata", "resourceVersion"]] {
                throw Self.conflict(descriptor, name, "Precondition failed: ResourceVersion in precondition: \(version)")
            }
            if case .array(let finalizers)? = stored[path: ["metadata", "finalizers"]], !finalizers.isEmpty {
                var marked = stored
                if marked[path: ["metadata", "deletionTimestamp"]] == nil {
                    marked[path: ["metadata", "deletionTimestamp"]] = .string(Self.timestamp)
                }
                return .pending(try Self.decode(Object.self, Self.commit(marked, previous: stored, key: key, into: &state)))
            }
            state.objects[key] = nil
            state.version += 1
            return .deleted
        }
    }

    /// One connection that lists the current objects as ADDED events, then ends.
    func watchConnection<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchConnection<Object> {
        let current = try await list(type, namespace: namespace, options: ListOptions())
        var lines: [Data] = []
        for item in current.items {
            lines.append(try JSONEncoder().encode(WatchEvent<Object>.added(item)))
        }
        let stream = AsyncThrowingStream<Data, any Error> { continuation in
            for line in lines { continuation.yield(line) }
            continuation.finish()
        }
        return WatchConnection(lines: stream)
    }

    func requestToken(namespace: String, serviceAccountName: String, spec: TokenRequestSpec) async throws -> TokenRequest {
        try record("create", ServiceAccount.descriptor, namespace: namespace, name: serviceAccountName, subresource: nil)
        return TokenRequest(spec: spec, status: TokenRequestStatus(token: "fake-token-\(serviceAccountName)", expirationTimestamp: Self.timestamp))
    }

    /// The object a write leaves: a status write changes only `status`; a main write keeps the
    /// stored status (for kinds with the subresource) and the server-owned metadata, and bumps
    /// `generation` when the spec changed.
    private func merged(body: JSONValue, onto stored: JSONValue, descriptor: ResourceDescriptor, subresource: Subresource?) -> JSONValue {
        if subresource == .status {
            var result = stored
            result[path: ["status"]] = body[path: ["status"]]
            return result
        }
        var result = body
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "generation", "resourceVersion"] {
            result[path: ["metadata", field]] = stored[path: ["metadata", field]]
        }
        if statusSubresourcePlurals.contains(descriptor.plural) {
            result[path: ["status"]] = stored[path: ["status"]]
            if result[path: ["spec"]] != stored[path: ["spec"]], case .number(let generation)? = stored[path: ["metadata", "generation"]] {
                result[path: ["metadata", "generation"]] = .number(generation + 1)
            }
        }
        return result
    }
}
