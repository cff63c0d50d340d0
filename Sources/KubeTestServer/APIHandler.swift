import Foundation
import Hummingbird
import Logging

/// Routes every request: authentication (the admin token, ServiceAccount tokens, anonymous),
/// RBAC authorization, the OIDC/version/health paths, injected faults, discovery and OpenAPI,
/// then the resource handlers.
struct APIHandler: Sendable {
    let store: ObjectStore
    let faults: FaultInjector
    let tokens: TokenIssuer
    let adminToken: String
    let bookmarkInterval: Duration
    let logger: Logger?
    var denials = DenialCounter()
    /// `NAMESPACE/NAME` of a webhook Service to `HOST:PORT` (`KubeTestServerOptions.webhookServiceHosts`).
    var webhookServiceHosts: [String: String] = [:]
    /// Serves `FaultControl` (`KubeTestServerOptions.faultControl`).
    var faultControl = false

    var authorizer: RBACAuthorizer { RBACAuthorizer(store: store) }

    func respond(to request: Request) async -> Response {
        let exchange: HTTPExchange
        do {
            exchange = try await HTTPExchange(request: request)
        } catch {
            return Reply.error(.badRequest("could not read the request body: \(error)"))
        }
        let latency = faults.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        let response = await route(exchange)
        logger?.info("\(exchange.method) \(exchange.path)\(exchange.query.isEmpty ? "" : "?" + exchange.query.map { "\($0)=\($1)" }.sorted().joined(separator: "&")) -> \(response.status.code) [\(exchange.contentType)]")
        return response
    }

    /// The admin token is `system:masters`; any other bearer token must be a ServiceAccount
    /// token this server minted; no Authorization header is `system:anonymous`. Nil is a 401.
    private func authenticate(_ exchange: HTTPExchange) -> AuthenticatedUser? {
        let header = exchange.authorization.trimmingCharacters(in: .whitespaces)
        if header.isEmpty { return .anonymous }
        let scheme = header.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { return nil }
        let token = header.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        if token == adminToken { return .admin }
        return ServiceAccountTokenAuthenticator(tokens: tokens, store: store).authenticate(token)
    }

    private func route(_ exchange: HTTPExchange) async -> Response {
        guard var user = authenticate(exchange) else {
            denials.recordUnauthorized()
            return Reply.error(.unauthorized)
        }
        if let impersonation = Impersonation(user: exchange.impersonateUser, groups: exchange.impersonateGroups) {
            for check in impersonation.requiredPermissions {
                let decision = authorizer.authorize(user, check)
                guard decision.allowed else {
                    denials.recordForbidden()
                    return Reply.error(APIError.forbidden(check, user: user, reason: decision.reason))
                }
            }
            user = impersonation.user
        }
        let attributes = RequestAttributes(method: exchange.method, path: exchange.path, query: exchange.query)
        let decision = authorizer.authorize(user, attributes)
        guard decision.allowed else {
            denials.recordForbidden()
            let error = APIError.forbidden(attributes, user: user, reason: decision.reason)
            logger?.info("forbidden: \(error.message)")
            return Reply.error(error)
        }
        if faultControl, FaultControl.handles(exchange.path) {
            return FaultControl(faults: faults).respond(to: exchange, user: user)
        }
        switch exchange.path {
        case "/.well-known/openid-configuration":
            return Reply.json(tokens.openIDConfiguration)
        case "/openid/v1/jwks":
            do { return Reply.json(try tokens.jwks(), contentType: "application/jwk-set+json") } catch {
                return Reply.error(APIError(code: 500, reason: "InternalError", message: "jwks: \(error)"))
            }
        case "/version":
            return Reply.json(Discovery.version())
        case "/healthz", "/livez", "/readyz":
            return Reply.raw(Data("ok".utf8), contentType: "text/plain; charset=utf-8")
        default:
            break
        }
        if let fault = faults.takeRequestFault(method: exchange.method, path: exchange.path) {
            return Reply.error(fault)
        }
        do {
            if attributes.isResourceRequest, attributes.apiGroup == "authorization.k8s.io",
                attributes.resource == "selfsubjectaccessreviews"
            {
                guard attributes.verb == "create", attributes.name.isEmpty else { throw APIError.methodNotAllowed(exchange.method) }
                let body = try ResourceHandler(api: self).parseBody(exchange)
                return try SelfSubjectAccessReviewHandler(authorizer: authorizer).create(body, user: user)
            }
            return try await routeAuthenticated(exchange, user: user)
        } catch let error as APIError {
            return Reply.error(error)
        } catch {
            return Reply.error(APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)"))
        }
    }

    private func routeAuthenticated(_ exchange: HTTPExchange, user: AuthenticatedUser) async throws -> Response {
        let segments = exchange.path.split(separator: "/").map(String.init)
        let types = try store.read { Array($0.typesByPath.values) }
        guard exchange.method == "GET" || segments.count > 2 else { throw APIError.methodNotAllowed(exchange.method) }
        switch segments.first {
        case "api":
            if segments.count == 1 { return Reply.json(Discovery.coreVersions(serverAddress: exchange.host)) }
            guard segments[1] == "v1" else { throw APIError.pathNotFound }
            if segments.count == 2 { return Reply.json(Discovery.resourceList(group: "", version: "v1", types: types)) }
            return try await ResourceHandler(api: self, user: user).handle(exchange, group: "", version: "v1", rest: Array(segments.dropFirst(2)))
        case "apis":
            if segments.count == 1 { return Reply.json(Discovery.groupList(types)) }
            let group = segments[1]
            guard let versions = Discovery.groupVersions(types).first(where: { $0.group == group })?.versions else {
                throw APIError.pathNotFound
            }
            if segments.count == 2 {
                var document = Discovery.group(group, versions: versions)
                document["kind"] = "APIGroup"
                document["apiVersion"] = "v1"
                return Reply.json(document)
            }
            guard versions.contains(segments[2]) else { throw APIError.pathNotFound }
            if segments.count == 3 { return Reply.json(Discovery.resourceList(group: group, version: segments[2], types: types)) }
            return try await ResourceHandler(api: self, user: user).handle(exchange, group: group, version: segments[2], rest: Array(segments.dropFirst(3)))
        case "openapi":
            return try openAPI(exchange, segments: segments, types: types)
        default:
            throw APIError.pathNotFound
        }
    }

    private func openAPI(_ exchange: HTTPExchange, segments: [String], types: [ResourceType]) throws -> Response {
        guard segments.count >= 2 else { throw APIError.pathNotFound }
        switch segments[1] {
        case "v2":
            if exchange.accept.contains("protobuf") {
                // An empty protobuf message is a valid (empty) OpenAPI v2 Document. The content
                // type is the dotted form a real API server sends: the `@` of the Accept header's
                // form is not a MIME token character, and kubectl refuses it ("mime: unexpected
                // content after media subtype").
                return Reply.raw(Data(), contentType: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
            }
            return Reply.json(Discovery.openAPIV2JSON())
        case "v3":
            if segments.count == 2 { return Reply.json(Discovery.openAPIV3Root(types)) }
            let rest = segments.dropFirst(2)
            if rest.first == "api", rest.count == 2 {
                return Reply.json(Discovery.openAPIV3Document(group: "", version: rest.last ?? "", types: types))
            }
            if rest.first == "apis", rest.count == 3 {
                let group = rest[rest.startIndex + 1]
                let version = rest[rest.startIndex + 2]
                guard types.contains(where: { $0.group == group && $0.version == version }) else { throw APIError.pathNotFound }
                return Reply.json(Discovery.openAPIV3Document(group: group, version: version, types: types))
            }
            throw APIError.pathNotFound
        default:
            throw APIError.pathNotFound
        }
    }
}
