import Foundation
import Hummingbird

/// `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token`: validates the TokenRequest
/// as the API server does and answers with a signed token and its expiry.
struct TokenRequestHandler: Sendable {
    let api: APIHandler

    func create(_ exchange: HTTPExchange, namespace: String, serviceAccount: String) throws -> Response {
        let body = exchange.body.isEmpty ? JSONValue.object([:]) : try ResourceHandler(api: api).parseBody(exchange)
        let serviceAccounts = ResourceKey(group: "", plural: "serviceaccounts")
        guard let account = try api.store.read({ $0.object(serviceAccounts, namespace: namespace, name: serviceAccount) }) else {
            throw APIError.notFound(plural: "serviceaccounts", group: "", name: serviceAccount)
        }
        let expiration = body[path: ["spec", "expirationSeconds"]]?.intValue ?? 3600
        var errors: [FieldError] = []
        if expiration < 600 {
            errors.append(.invalid("spec.expirationSeconds", value: .int(expiration), detail: "may not specify a duration less than 10 minutes"))
        }
        if expiration > 1 << 32 {
            errors.append(.invalid("spec.expirationSeconds", value: .int(expiration), detail: "may not specify a duration larger than 2^32 seconds"))
        }
        if !errors.isEmpty {
            throw APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: serviceAccount, errors: errors)
        }
        var audiences = body[path: ["spec", "audiences"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        if audiences.isEmpty { audiences = [api.tokens.issuer] }
        let bound = body[path: ["spec", "boundObjectRef"]]
        let minted = try api.tokens.mint(TokenIssuer.Claims(
            namespace: namespace, serviceAccountName: serviceAccount, serviceAccountUID: account.uid ?? "",
            audiences: audiences, expirationSeconds: expiration, boundObject: bound))
        let response: JSONValue = [
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": ["name": .string(serviceAccount), "namespace": .string(namespace), "creationTimestamp": .null],
            "spec": [
                "audiences": .array(audiences.map { .string($0) }), "expirationSeconds": .int(expiration),
                "boundObjectRef": bound ?? .null,
            ],
            "status": ["token": .string(minted.token), "expirationTimestamp": .string(Stamp.now(minted.expires))],
        ]
        return Reply.json(response, status: 201)
    }
}
