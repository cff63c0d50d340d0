import Foundation
import Testing
@testable import KubeTestServer

@Suite struct ServerLifecycleTests {
    @Test func startServeAuthenticateAndStop() async throws {
        let server = try await KubeTestServer.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        try Data(server.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: ca))
        #expect(server.baseURL.absoluteString == "https://127.0.0.1:\(server.port)")
        #expect(server.port > 0)
        #expect(server.issuer == "https://127.0.0.1:\(server.port)")

        // TLS verifies against the generated CA by IP and by name.
        for host in ["127.0.0.1", "localhost"] {
            let output = try await Subprocess.run(
                "curl", ["-sS", "--cacert", ca, "-H", "Authorization: Bearer \(server.bearerToken)", "https://\(host):\(server.port)/api"])
            #expect(output.status == 0, "\(output.description)")
            let body = try JSONValue.parse(Data(output.stdout.utf8))
            #expect(body["kind"] == "APIVersions")
            #expect(body["versions"] == ["v1"])
        }
        let unauthorized = try await Subprocess.run(
            "curl", ["-sS", "--cacert", ca, "-w", "\n%{http_code}", "-H", "Authorization: Bearer wrong", server.baseURL.absoluteString + "/api/v1/namespaces"])
        let lines = unauthorized.stdout.components(separatedBy: "\n")
        #expect(lines.last == "401")
        let status = try JSONValue.parse(Data(lines.dropLast().joined().utf8))
        #expect(status["kind"] == "Status")
        #expect(status["reason"] == "Unauthorized")
        #expect(status["code"] == 401)

        await server.stop()
        let afterStop = try await Subprocess.run("curl", ["-sS", "--cacert", ca, server.baseURL.absoluteString + "/version"])
        #expect(afterStop.status != 0, "server still answers after stop: \(afterStop.description)")
    }

    @Test func busyPortFailsToStart() async throws {
        let first = try await KubeTestServer.start()
        var options = KubeTestServerOptions()
        options.port = first.port
        await #expect(throws: (any Error).self) {
            let second = try await KubeTestServer.start(options)
            await second.stop()
        }
        await first.stop()
    }

    @Test func oidcDiscoveryAndJWKSAreServedWithoutAuth() async throws {
        var options = KubeTestServerOptions()
        options.issuer = "https://issuer.example.com/cluster"
        try await ServerFixture.with(options) { fixture in
            let configuration = try await fixture.curl("GET", "/.well-known/openid-configuration", token: "")
            #expect(configuration.status == 200)
            #expect(configuration.body["issuer"] == "https://issuer.example.com/cluster")
            #expect(configuration.body["jwks_uri"] == "https://issuer.example.com/cluster/openid/v1/jwks")
            #expect(configuration.body["id_token_signing_alg_values_supported"] == ["RS256"])
            #expect(configuration.body["response_types_supported"] == ["id_token"])
            #expect(configuration.body["subject_types_supported"] == ["public"])
            let keys = try await fixture.curl("GET", "/openid/v1/jwks", token: "")
            #expect(keys.status == 200)
            let key = try #require(keys.body["keys"]?.arrayValue?.first)
            #expect(key["kty"] == "RSA")
            #expect(key["alg"] == "RS256")
            #expect(key["e"] == "AQAB")
            #expect((key["n"]?.stringValue?.count ?? 0) >= 342)
        }
    }

    @Test func discoveryListsBuiltInsAndVersion() async throws {
        try await ServerFixture.with { fixture in
            let version = try await fixture.curl("GET", "/version", token: "")
            #expect(version.body["major"] == "1")
            let groups = try await fixture.curl("GET", "/apis")
            let names = groups.body["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == [
                "admissionregistration.k8s.io", "apiextensions.k8s.io", "apps", "authorization.k8s.io", "coordination.k8s.io",
                "events.k8s.io", "policy", "rbac.authorization.k8s.io",
            ])
            let core = try await fixture.curl("GET", "/api/v1")
            let resources = core.body["resources"]?.arrayValue ?? []
            let serviceAccounts = try #require(resources.first { $0["name"] == "serviceaccounts" })
            #expect(serviceAccounts["namespaced"] == true)
            #expect(serviceAccounts["shortNames"] == ["sa"])
            let token = try #require(resources.first { $0["name"] == "serviceaccounts/token" })
            #expect(token["kind"] == "TokenRequest")
            #expect(token["group"] == "authentication.k8s.io")
            let missing = try await fixture.curl("GET", "/apis/nope.example.com/v1")
            #expect(missing.status == 404)
        }
    }

    @Test func kubeconfigCarriesServerCAAndToken() async throws {
        try await ServerFixture.with { fixture in
            let text = try String(contentsOfFile: fixture.kubeconfigPath, encoding: .utf8)
            #expect(text.contains("server: \(fixture.server.baseURL.absoluteString)"))
            #expect(text.contains("certificate-authority-data: \(Data(fixture.server.caCertificatePEM.utf8).base64EncodedString())"))
            #expect(text.contains("token: \(fixture.server.bearerToken)"))
            #expect(text.contains("current-context: kube-test-server"))
        }
    }
}
