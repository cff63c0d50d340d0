import Foundation
import Testing
@testable import KubeTestServer

/// ServiceAccount tokens and RBAC through real clients: curl for exact statuses and bodies,
/// kubectl for discovery, `auth can-i` and the errors a user reads.
@Suite struct RBACWireTests {
    /// Lets `default/app` read ServiceAccounts in `default` and nothing else of its own.
    static let policy = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: app, namespace: default}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: sa-reader, namespace: default}
        rules:
          - apiGroups: [""]
            resources: [serviceaccounts]
            verbs: [get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: sa-reader, namespace: default}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sa-reader}
        subjects:
          - {kind: ServiceAccount, name: app, namespace: default}
        """

    static func mint(_ fixture: ServerFixture, audiences: [String]? = nil) async throws -> String {
        var body: JSONValue = ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": [:]]
        if let audiences { body["spec"] = ["audiences": .array(audiences.map { .string($0) })] }
        let response = try await fixture.curl("POST", "/api/v1/namespaces/default/serviceaccounts/app/token", json: body)
        #expect(response.status == 201, "\(response.raw)")
        return try #require(response.body[path: ["status", "token"]]?.stringValue)
    }

    /// The admin kubeconfig with the user's token replaced by `token`.
    static func kubeconfig(_ fixture: ServerFixture, token: String) throws -> String {
        let path = fixture.directory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        let text = fixture.server.kubeconfigYAML().replacingOccurrences(of: "token: \(fixture.server.bearerToken)", with: "token: \(token)")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func serviceAccountTokenIsAuthorizedByItsRoleAndRefusedOtherwise() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: Self.policy)
            #expect(applied.status == 0, "\(applied.description)")
            let token = try await Self.mint(fixture)

            let list = try await fixture.curl("GET", "/api/v1/namespaces/default/serviceaccounts", token: token)
            #expect(list.status == 200, "\(list.raw)")
            #expect(list.body["kind"] == "ServiceAccountList")

            let patch = try await fixture.curl(
                "PATCH", "/api/v1/namespaces/default/serviceaccounts/app", json: ["metadata": ["labels": ["a": "b"]]],
                contentType: "application/merge-patch+json", token: token)
            #expect(patch.status == 403)
            #expect(patch.body == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "reason": "Forbidden", "code": 403,
                "message": #"serviceaccounts "app" is forbidden: User "system:serviceaccount:default:app" cannot patch resource "serviceaccounts" in API group "" in the namespace "default""#,
                "details": ["name": "app", "kind": "serviceaccounts"],
            ])
            let otherNamespace = try await fixture.curl("GET", "/api/v1/namespaces/kube-system/serviceaccounts", token: token)
            #expect(otherNamespace.status == 403)
            #expect(otherNamespace.body["message"] == #"serviceaccounts is forbidden: User "system:serviceaccount:default:app" cannot list resource "serviceaccounts" in API group "" in the namespace "kube-system""#)
            let jwks = try await fixture.curl("GET", "/openid/v1/jwks", token: token)
            #expect(jwks.status == 403)
            #expect(jwks.body["message"] == #"forbidden: User "system:serviceaccount:default:app" cannot get path "/openid/v1/jwks""#)
            let version = try await fixture.curl("GET", "/version", token: token)
            #expect(version.status == 200)
            #expect(fixture.server.forbiddenResponseCount == 3)

            // The admin token keeps every right, also on paths no role names.
            let adminPatch = try await fixture.curl(
                "PATCH", "/api/v1/namespaces/default/serviceaccounts/app", json: ["metadata": ["labels": ["a": "b"]]],
                contentType: "application/merge-patch+json")
            #expect(adminPatch.status == 200, "\(adminPatch.raw)")
        }
    }

    @Test func tokensThatKubernetesWouldRejectAreUnauthorized() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: Self.policy)
            #expect(applied.status == 0, "\(applied.description)")
            let path = "/api/v1/namespaces/default/serviceaccounts"

            // An audience other than the API server's is for someone else (here: STS).
            let foreign = try await Self.mint(fixture, audiences: ["sts.amazonaws.com"])
            #expect(try await fixture.curl("GET", path, token: foreign).status == 401)

            let token = try await Self.mint(fixture)
            #expect(try await fixture.curl("GET", path, token: token).status == 200)
            // A flipped signature byte.
            var tampered = Array(token)
            tampered[tampered.count - 5] = tampered[tampered.count - 5] == "A" ? "B" : "A"
            #expect(try await fixture.curl("GET", path, token: String(tampered)).status == 401)
            // Not a JWT at all, also on a public path.
            #expect(try await fixture.curl("GET", "/version", token: "none").status == 401)

            // The ServiceAccount deleted and created again has a new uid: the old token is dead.
            #expect(try await fixture.kubectl(["delete", "serviceaccount", "app", "-n", "default"]).status == 0)
            let deleted = try await fixture.curl("GET", path, token: token)
            #expect(deleted.status == 401)
            #expect(deleted.body["reason"] == "Unauthorized")
            #expect(try await fixture.kubectl(["create", "serviceaccount", "app", "-n", "default"]).status == 0)
            #expect(try await fixture.curl("GET", path, token: token).status == 401)
            #expect(try await fixture.curl("GET", path, token: try await Self.mint(fixture)).status == 200)
            #expect(fixture.server.unauthorizedResponseCount == 5)
        }
    }

    @Test func kubectlDiscoversAndAsksCanIAsTheServiceAccount() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: Self.policy)
            #expect(applied.status == 0, "\(applied.description)")
            let kubeconfig = try Self.kubeconfig(fixture, token: try await Self.mint(fixture))
            let cache = fixture.directory.appendingPathComponent("sa-cache").path
            func kubectl(_ arguments: [String]) async throws -> Subprocess.Output {
                try await Subprocess.run(try ServerFixture.kubectlPath(), ["--kubeconfig", kubeconfig, "--cache-dir", cache] + arguments)
            }

            let get = try await kubectl(["get", "serviceaccounts", "-n", "default", "-o", "name"])
            #expect(get.status == 0, "\(get.description)")
            #expect(get.stdout.contains("serviceaccount/app"))

            let secrets = try await kubectl(["get", "secrets", "-n", "default"])
            #expect(secrets.status != 0)
            #expect(secrets.stderr.contains(#"Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:app" cannot list resource "secrets" in API group "" in the namespace "default""#), "\(secrets.description)")

            let whoCan = try await kubectl(["auth", "can-i", "list", "serviceaccounts", "-n", "default"])
            #expect(whoCan.status == 0, "\(whoCan.description)")
            #expect(whoCan.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
            let cannot = try await kubectl(["auth", "can-i", "patch", "serviceaccounts", "-n", "default"])
            #expect(cannot.status == 1, "\(cannot.description)")
            #expect(cannot.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            let path = try await kubectl(["auth", "can-i", "get", "/openid/v1/jwks"])
            #expect(path.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "\(path.description)")
            let rbacKinds = try await fixture.kubectl(["get", "roles,rolebindings", "-n", "default", "-o", "name"])
            #expect(rbacKinds.stdout.contains("role.rbac.authorization.k8s.io/sa-reader"), "\(rbacKinds.description)")
            #expect(rbacKinds.stdout.contains("rolebinding.rbac.authorization.k8s.io/sa-reader"))
        }
    }
}
