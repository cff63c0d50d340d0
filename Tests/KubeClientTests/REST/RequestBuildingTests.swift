import Foundation
import HTTPTransport
import KubeModels
import Testing

@testable import KubeClient

/// A client over a fake transport that answers every request with `reply`.
func fakeClient(
    token: String = "t",
    server: String = "https://k8s.example:6443",
    reply: @escaping @Sendable (HTTPRequest, Int) -> FakeHTTPClient.Reply
) -> (KubernetesClient, FakeHTTPClient) {
    let http = FakeHTTPClient(handler: reply)
    let configuration = KubeConfiguration(server: URL(string: server)!, authentication: .bearerToken(token))
    return (KubernetesClient(configuration: configuration, makeHTTPClient: { _ in http }), http)
}

func bodyJSON(_ request: HTTPRequest) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: request.body)
}

@Suite("REST requests: paths, queries, bodies, headers")
struct RequestBuildingTests {
    static let widgetJSON = #"{"apiVersion":"example.trustline.dev/v1","kind":"Widget","metadata":{"name":"w","namespace":"ns","resourceVersion":"7"},"spec":{"size":3}}"#

    @Test func pathsForCoreGroupedNamespacedAndClusterScopedKinds() async throws {
        let (client, http) = fakeClient { request, _ in
            if request.url.path.hasSuffix("/gadgets/g") { return .response(.json(200, #"{"metadata":{"name":"g"}}"#)) }
            if request.url.path.hasSuffix("/leases/l") { return .response(.json(200, #"{"metadata":{"name":"l"}}"#)) }
            if request.url.path.hasSuffix("/serviceaccounts/sa") { return .response(.json(200, #"{"metadata":{"name":"sa"}}"#)) }
            return .response(.json(200, #"{"metadata":{"resourceVersion":"1"},"items":[]}"#))
        }
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        _ = try await client.get(Lease.self, namespace: "kube-system", name: "l")
        _ = try await client.get(Gadget.self, namespace: nil, name: "g")
        _ = try await client.list(Widget.self, namespace: nil)
        _ = try await client.list(
            Widget.self, namespace: "ns",
            options: ListOptions(labelSelector: "app=web,tier!=db", fieldSelector: "metadata.name=a b", limit: 2, continueToken: "abc+/="))
        let urls = http.requests.map(\.url.absoluteString)
        #expect(urls == [
            "https://k8s.example:6443/api/v1/namespaces/ns/serviceaccounts/sa",
            "https://k8s.example:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l",
            "https://k8s.example:6443/apis/example.trustline.dev/v1/gadgets/g",
            "https://k8s.example:6443/apis/example.trustline.dev/v1/widgets",
            "https://k8s.example:6443/apis/example.trustline.dev/v1/namespaces/ns/widgets?labelSelector=app%3Dweb%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Da%20b&limit=2&continue=abc%2B%2F%3D",
        ])
        #expect(http.requests.allSatisfy { $0.headers["Authorization"] == "Bearer t" && $0.method == "GET" })
        // The decoded query survives the round trip.
        let items = URLComponents(url: http.requests[4].url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(items.first { $0.name == "continue" }?.value == "abc+/=")
        #expect(items.first { $0.name == "labelSelector" }?.value == "app=web,tier!=db")
    }

    @Test func serverPathPrefixIsKept() async throws {
        let (client, http) = fakeClient(server: "https://proxy.example/k8s/clusters/c1/") { _, _ in
            .response(.json(200, #"{"metadata":{"name":"sa"}}"#))
        }
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        #expect(http.requests[0].url.absoluteString == "https://proxy.example/k8s/clusters/c1/api/v1/namespaces/ns/serviceaccounts/sa")
    }

    @Test func namespaceIsRequiredForNamespacedKinds() async throws {
        let (client, http) = fakeClient { _, _ in .response(.json(200, "{}")) }
        await #expect(throws: KubeClientError.namespaceRequired(kind: "Widget")) {
            try await client.get(Widget.self, namespace: nil, name: "w")
        }
        await #expect(throws: KubeClientError.namespaceRequired(kind: "ServiceAccount")) {
            try await client.create(ServiceAccount(metadata: ObjectMeta(name: "x")))
        }
        #expect(http.requests.isEmpty)
    }

    @Test func writesCarryBodiesContentTypesAndQueries() async throws {
        let (client, http) = fakeClient { _, _ in .response(.json(200, Self.widgetJSON)) }
        var widget = Widget(namespace: "ns", name: "w", size: 3)
        _ = try await client.create(widget, options: WriteOptions(fieldManager: "trustline", dryRun: true))
        widget.metadata.resourceVersion = "7"
        _ = try await client.update(widget)
        _ = try await client.updateStatus(widget)
        _ = try await client.mergePatch(Widget.self, namespace: "ns", name: "w", patch: ["spec": ["size": 4]] as JSONValue)
        _ = try await client.jsonPatch(
            Widget.self, namespace: "ns", name: "w",
            operations: [.init(op: .test, path: "/metadata/resourceVersion", value: "7"), .init(op: .remove, path: "/metadata/finalizers/0")],
            subresource: nil)
        _ = try await client.mergePatch(Widget.self, namespace: "ns", name: "w", patch: ["status": ["phase": "Ready"]] as JSONValue, subresource: .status)
        _ = try await client.apply(widget, fieldManager: "trustline", force: true)

        let requests = http.requests
        #expect(requests.map(\.method) == ["POST", "PUT", "PUT", "PATCH", "PATCH", "PATCH", "PATCH"])
        #expect(requests.map(\.url.path) == [
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w/status",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w/status",
            "/apis/example.trustline.dev/v1/namespaces/ns/widgets/w",
        ])
        #expect(requests.map { $0.headers["Content-Type"] ?? "" } == [
            "application/json", "application/json", "application/json", "application/merge-patch+json",
            "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml",
        ])
        #expect(requests[0].url.query == "fieldManager=trustline&dryRun=All")
        #expect(requests[6].url.query == "fieldManager=trustline&force=true")
        // Bodies: apiVersion and kind filled in from the descriptor.
        let created = try bodyJSON(requests[0])
        #expect(created["apiVersion"] == "example.trustline.dev/v1")
        #expect(created["kind"] == "Widget")
        #expect(created["spec"]?["size"] == 3)
        #expect(try bodyJSON(requests[1])["metadata"]?["resourceVersion"] == "7")
        #expect(try bodyJSON(requests[3]) == ["spec": ["size": 4]])
        #expect(try bodyJSON(requests[4]) == [
            ["op": "test", "path": "/metadata/resourceVersion", "value": "7"], ["op": "remove", "path": "/metadata/finalizers/0"],
        ])
        #expect(try bodyJSON(requests[6])["kind"] == "Widget")
    }

    @Test func deleteSendsOptionsAndReportsPendingFinalizers() async throws {
        let (client, http) = fakeClient { request, index in
            switch index {
            case 0: return .response(.json(200, #"{"kind":"Status","apiVersion":"v1","status":"Success"}"#))
            case 1: return .response(.json(200, #"{"metadata":{"name":"w","namespace":"ns","deletionTimestamp":"2026-01-01T00:00:00Z","finalizers":["trustline.dev/cleanup"]},"spec":{"size":1}}"#))
            default: return .response(.json(200, #"{"metadata":{"name":"w","namespace":"ns"},"spec":{"size":1}}"#))
            }
        }
        let options = DeleteOptions(
            preconditions: .init(uid: "u-1", resourceVersion: "9"), propagationPolicy: .foreground)
        guard case .deleted = try await client.delete(Widget.self, namespace: "ns", name: "w", options: options) else {
            Issue.record("expected deleted")
            return
        }
        guard case .pending(let pending) = try await client.delete(Widget.self, namespace: "ns", name: "w") else {
            Issue.record("expected pending")
            return
        }
        #expect(pending.metadata.finalizers == ["trustline.dev/cleanup"])
        guard case .deleted = try await client.delete(Widget.self, namespace: "ns", name: "w") else {
            Issue.record("expected deleted")
            return
        }
        #expect(http.requests[0].method == "DELETE")
        let body = try bodyJSON(http.requests[0])
        #expect(body["preconditions"] == ["uid": "u-1", "resourceVersion": "9"])
        #expect(body["propagationPolicy"] == "Foreground")
        #expect(body["kind"] == "DeleteOptions")
    }

    @Test func tokenRequestPostsToTheServiceAccountSubresource() async throws {
        let (client, http) = fakeClient { _, _ in
            .response(.json(201, #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["sts.amazonaws.com"]},"status":{"token":"jwt","expirationTimestamp":"2026-01-01T00:00:00Z"}}"#))
        }
        let response = try await client.requestToken(
            namespace: "prod", serviceAccountName: "my-app", spec: TokenRequestSpec(audiences: ["sts.amazonaws.com"], expirationSeconds: 600))
        #expect(response.status?.token == "jwt")
        #expect(http.requests[0].url.path == "/api/v1/namespaces/prod/serviceaccounts/my-app/token")
        let body = try bodyJSON(http.requests[0])
        #expect(body["kind"] == "TokenRequest")
        #expect(body["spec"] == ["audiences": ["sts.amazonaws.com"], "expirationSeconds": 600])
    }

    @Test func listAllFollowsContinueTokens() async throws {
        let (client, http) = fakeClient { request, index in
            let items = (0..<2).map { #"{"metadata":{"name":"w\#(index * 2 + $0)","namespace":"ns"},"spec":{"size":1}}"# }
            let next = index < 2 ? #","continue":"page-\#(index + 1)""# : ""
            return .response(.json(200, #"{"metadata":{"resourceVersion":"\#(100 + index)"\#(next)},"items":[\#(items.joined(separator: ","))]}"#))
        }
        let all = try await client.listAll(Widget.self, namespace: "ns", options: ListOptions(labelSelector: "a=b"), pageSize: 2)
        #expect(all.items.map { $0.metadata.name ?? "" } == ["w0", "w1", "w2", "w3", "w4", "w5"])
        #expect(all.metadata.resourceVersion == "100")
        #expect(all.metadata.continue == nil)
        #expect(http.requests.map { $0.url.query ?? "" } == [
            "labelSelector=a%3Db&limit=2", "labelSelector=a%3Db&limit=2&continue=page-1", "labelSelector=a%3Db&limit=2&continue=page-2",
        ])
    }
}
