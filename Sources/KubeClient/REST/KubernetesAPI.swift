import Foundation
import KubeModels

/// The Kubernetes API as the operator uses it: typed calls on any `KubernetesResource`.
/// `KubernetesClient` is the real one; controller tests substitute an in-memory fake.
/// Errors are `KubeAPIError` (API statuses), `KubeClientError` and `HTTPTransportError`.
public protocol KubernetesAPI: Sendable {
    func get<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String) async throws -> Object
    /// One page; use `listAll` to follow `continue` tokens.
    func list<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> ObjectList<Object>
    /// One page like `list`, but an item that does not decode is set aside (`UndecodableObject`)
    /// instead of failing the page: what a cache of many users' objects must do.
    func listSkippingUndecodable<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> PartialObjectList<Object>
    /// Creates in `object.metadata.namespace`.
    func create<Object: KubernetesResource>(_ object: Object, options: WriteOptions) async throws -> Object
    /// PUT of the whole object (or of its status with `subresource: .status`); the object's
    /// resourceVersion makes it conditional (409 Conflict when stale).
    func update<Object: KubernetesResource>(
        _ object: Object, subresource: Subresource?, options: WriteOptions
    ) async throws -> Object
    /// Merge patch, JSON patch or server-side apply (`options.fieldManager` required for apply).
    func patch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch: Patch, subresource: Subresource?,
        options: WriteOptions
    ) async throws -> Object
    func delete<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, options: DeleteOptions
    ) async throws -> DeletionResult<Object>
    /// Opens one watch connection (no restarts; see `watch(...)` for the restarting watcher).
    func watchConnection<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchConnection<Object>
    /// `POST serviceaccounts/{name}/token`: mints a ServiceAccount token.
    func requestToken(namespace: String, serviceAccountName: String, spec: TokenRequestSpec) async throws -> TokenRequest
}

extension KubernetesAPI {
    /// The object, or nil on 404.
    public func getIfPresent<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String
    ) async throws -> Object? {
        do {
            return try await get(type, namespace: namespace, name: name)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    /// For APIs that decode every item they hold (in-memory fakes): nothing is ever set aside.
    public func listSkippingUndecodable<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> PartialObjectList<Object> {
        PartialObjectList(list: try await list(type, namespace: namespace, options: options))
    }

    /// Every page like `listAll`, items that do not decode set aside as in `listSkippingUndecodable`.
    public func listAllSkippingUndecodable<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String? = nil, options: ListOptions = ListOptions(), pageSize: Int = 500
    ) async throws -> PartialObjectList<Object> {
        try await collectPages(options: options, pageSize: pageSize) {
            try await listSkippingUndecodable(type, namespace: namespace, options: $0)
        }
    }

    public func list<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String? = nil
    ) async throws -> ObjectList<Object> {
        try await list(type, namespace: namespace, options: ListOptions())
    }

    /// Every page of a list, following `continue` tokens, `pageSize` items at a time. The
    /// result's resourceVersion is the snapshot's (the first page's), which a watch resumes from.
    public func listAll<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String? = nil, options: ListOptions = ListOptions(), pageSize: Int = 500
    ) async throws -> ObjectList<Object> {
        try await collectPages(options: options, pageSize: pageSize) {
            PartialObjectList(list: try await list(type, namespace: namespace, options: $0))
        }.list
    }

    /// The paging both `listAll` variants share: the first page with `limit`, then each page its
    /// `continue` token names, appended to the first. A `pageSize` of 0 or less lists in one
    /// request, without `limit`.
    private func collectPages<Object: KubernetesResource>(
        options: ListOptions, pageSize: Int, fetch: (ListOptions) async throws -> PartialObjectList<Object>
    ) async throws -> PartialObjectList<Object> {
        var pageOptions = options
        pageOptions.limit = pageSize > 0 ? pageSize : nil
        pageOptions.continueToken = nil
        var first = try await fetch(pageOptions)
        var next = first.list.metadata.continue
        while let token = next, !token.isEmpty {
            pageOptions.continueToken = token
            // Continuing pins the snapshot; resourceVersion must not be sent with continue.
            pageOptions.resourceVersion = nil
            pageOptions.resourceVersionMatch = nil
            let page = try await fetch(pageOptions)
            first.list.items.append(contentsOf: page.list.items)
            first.undecodable.append(contentsOf: page.undecodable)
            next = page.list.metadata.continue
        }
        first.list.metadata.continue = nil
        first.list.metadata.remainingItemCount = nil
        return first
    }

    public func create<Object: KubernetesResource>(_ object: Object) async throws -> Object {
        try await create(object, options: WriteOptions())
    }

    public func update<Object: KubernetesResource>(_ object: Object) async throws -> Object {
        try await update(object, subresource: nil, options: WriteOptions())
    }

    /// PUT of the status subresource: the server ignores everything but `.status`.
    public func updateStatus<Object: KubernetesResource>(_ object: Object) async throws -> Object {
        try await update(object, subresource: .status, options: WriteOptions())
    }

    /// JSON merge patch of the object or of a subresource.
    public func mergePatch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch body: some Encodable,
        subresource: Subresource? = nil
    ) async throws -> Object {
        try await patch(type, namespace: namespace, name: name, patch: try .merge(body), subresource: subresource,
            options: WriteOptions())
    }

    /// RFC 6902 JSON patch (e.g. a `test` of the resourceVersion followed by a `remove`).
    public func jsonPatch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, operations: [JSONPatchOperation],
        subresource: Subresource? = nil
    ) async throws -> Object {
        try await patch(type, namespace: namespace, name: name, patch: try .json(operations), subresource: subresource,
            options: WriteOptions())
    }

    /// Server-side apply of `object` (only the fields it sets) as `fieldManager`.
    public func apply<Object: KubernetesResource>(
        _ object: Object, fieldManager: String, force: Bool = false, subresource: Subresource? = nil
    ) async throws -> Object {
        guard let name = object.metadata.name else { throw KubeClientError.nameRequired(kind: Object.descriptor.kind) }
        let body = try ResourceBody.encode(object)
        return try await patch(
            Object.self, namespace: object.metadata.namespace, name: name, patch: Patch(kind: .apply, body: body),
            subresource: subresource, options: WriteOptions(fieldManager: fieldManager, force: force))
    }

    public func delete<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String
    ) async throws -> DeletionResult<Object> {
        try await delete(type, namespace: namespace, name: name, options: DeleteOptions())
    }

    /// Creates an `events.k8s.io/v1` Event.
    public func createEvent(_ event: Event) async throws -> Event {
        try await create(event, options: WriteOptions())
    }
}

/// Encodes objects for request bodies, filling in `apiVersion` and `kind` from the descriptor
/// when the type does not carry them (apply and create need them).
enum ResourceBody {
    static func encode<Object: KubernetesResource>(_ object: Object) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(object)
        } catch {
            throw KubeClientError.unencodableBody(type: Object.descriptor.kind, problem: "\(error)")
        }
        guard case .object(var members) = try JSONDecoder().decode(JSONValue.self, from: data) else { return data }
        if members["apiVersion"] == nil || members["apiVersion"] == .null {
            members["apiVersion"] = .string(Object.descriptor.apiVersion)
        }
        if members["kind"] == nil || members["kind"] == .null {
            members["kind"] = .string(Object.descriptor.kind)
        }
        return try encoder.encode(JSONValue.object(members))
    }
}
