import Foundation
import HTTPTransport
import KubeModels
import Logging

/// The real `KubernetesAPI`: typed REST calls over an `HTTPClient` (libcurl in production),
/// authenticated from a `KubeConfiguration`, with API failures thrown as `KubeAPIError`.
public struct KubernetesClient: KubernetesAPI {
    public let configuration: KubeConfiguration
    private let executor: RequestExecutor

    /// - Parameters:
    ///   - makeHTTPClient: builds the transport for a TLS configuration (called again only when
    ///     an exec plugin hands out a new client certificate).
    ///   - credentials: overrides the provider derived from `configuration.authentication`.
    public init(
        configuration: KubeConfiguration,
        credentials: (any CredentialProvider)? = nil,
        logger: Logger = Logger(label: "trustline.kubeclient"),
        makeHTTPClient: @escaping @Sendable (TLSConfiguration) -> any HTTPClient
    ) {
        self.configuration = configuration
        self.executor = RequestExecutor(
            server: configuration.server,
            tls: configuration.tls,
            credentials: credentials ?? configuration.authentication.makeProvider(configuration: configuration),
            makeHTTPClient: makeHTTPClient,
            logger: logger
        )
    }

    public func get<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String) async throws
        -> Object
    {
        let path = try ResourcePath.object(Object.descriptor, namespace: namespace, name: name)
        return try await decode(Object.self, from: executor.send(APIRequest(method: "GET", path: path)))
    }

    public func list<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> ObjectList<Object> {
        let path = try ResourcePath.collection(Object.descriptor, namespace: namespace)
        let request = APIRequest(method: "GET", path: path, query: options.queryItems, timeout: .seconds(60))
        return try await decode(ObjectList<Object>.self, from: executor.send(request))
    }

    public func listSkippingUndecodable<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> PartialObjectList<Object> {
        let path = try ResourcePath.collection(Object.descriptor, namespace: namespace)
        let request = APIRequest(method: "GET", path: path, query: options.queryItems, timeout: .seconds(60))
        return try TolerantDecoding.list(Object.self, from: await executor.send(request).body)
    }

    public func create<Object: KubernetesResource>(_ object: Object, options: WriteOptions) async throws -> Object {
        let descriptor = Object.descriptor
        if descriptor.namespaced, object.metadata.namespace?.isEmpty ?? true {
            throw KubeClientError.namespaceRequired(kind: descriptor.kind)
        }
        if object.metadata.name == nil, object.metadata.generateName == nil {
            throw KubeClientError.nameRequired(kind: descriptor.kind)
        }
        let path = try ResourcePath.collection(descriptor, namespace: object.metadata.namespace)
        let request = APIRequest(
            method: "POST", path: path, query: options.queryItems, body: try ResourceBody.encode(object),
            contentType: "application/json")
        return try await decode(Object.self, from: executor.send(request))
    }

    public func update<Object: KubernetesResource>(
        _ object: Object, subresource: Subresource?, options: WriteOptions
    ) async throws -> Object {
        let path = try ResourcePath.object(
            Object.descriptor, namespace: object.metadata.namespace, name: object.metadata.name ?? "",
            subresource: subresource?.rawValue)
        let request = APIRequest(
            method: "PUT", path: path, query: options.queryItems, body: try ResourceBody.encode(object),
            contentType: "application/json")
        return try await decode(Object.self, from: executor.send(request))
    }

    public func patch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch: Patch, subresource: Subresource?,
        options: WriteOptions
    ) async throws -> Object {
        var options = options
        if patch.kind == .apply, options.fieldManager == nil {
            options.fieldManager = "trustline"
        }
        if patch.kind != .apply { options.force = false }
        let path = try ResourcePath.object(
            Object.descriptor, namespace: namespace, name: name, subresource: subresource?.rawValue)
        let request = APIRequest(
            method: "PATCH", path: path, query: options.queryItems, body: patch.body, contentType: patch.kind.rawValue)
        return try await decode(Object.self, from: executor.send(request))
    }

    public func delete<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, options: DeleteOptions
    ) async throws -> DeletionResult<Object> {
        let path = try ResourcePath.object(Object.descriptor, namespace: namespace, name: name)
        let request = APIRequest(
            method: "DELETE", path: path, body: try JSONEncoder().encode(options), contentType: "application/json")
        let response = try await executor.send(request)
        // The server answers with the object (still there while finalizers are pending, or as it
        // was when deleted) or with a Success Status.
        if let probe = try? JSONDecoder().decode(KindProbe.self, from: response.body), probe.kind == "Status" {
            return .deleted
        }
        guard let object = try? JSONDecoder().decode(Object.self, from: response.body) else { return .deleted }
        if object.metadata.deletionTimestamp != nil, !(object.metadata.finalizers ?? []).isEmpty {
            return .pending(object)
        }
        return .deleted
    }

    public func watchConnection<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchConnection<Object> {
        let path = try ResourcePath.collection(Object.descriptor, namespace: namespace)
        // The server ends the watch after timeoutSeconds; a client-side limit a little later
        // catches dead connections that would otherwise hang forever.
        let request = APIRequest(
            method: "GET", path: path, query: options.queryItems, timeout: options.timeoutSeconds.map { .seconds($0 + 30) })
        let response = try await executor.stream(request)
        return WatchConnection(lines: response.lines)
    }

    public func requestToken(namespace: String, serviceAccountName: String, spec: TokenRequestSpec) async throws
        -> TokenRequest
    {
        let path = try ResourcePath.object(
            ServiceAccount.descriptor, namespace: namespace, name: serviceAccountName, subresource: "token")
        let body = try JSONEncoder().encode(TokenRequest(spec: spec))
        let request = APIRequest(method: "POST", path: path, body: body, contentType: "application/json")
        return try await decode(TokenRequest.self, from: executor.send(request))
    }

    /// A raw GET of any path (discovery, `/openid/v1/jwks`), returning the body.
    public func getRaw(path: String) async throws -> Data {
        try await executor.send(APIRequest(method: "GET", path: path)).body
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from response: HTTPResponse) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: response.body)
        } catch {
            throw KubeClientError.undecodableResponse(
                type: String(describing: Value.self), problem: "\(error)",
                bodyPrefix: String(decoding: response.body.prefix(300), as: UTF8.self))
        }
    }
}

/// Reads only `kind`, to tell a `Status` from an object.
private struct KindProbe: Decodable {
    var kind: String?
}
