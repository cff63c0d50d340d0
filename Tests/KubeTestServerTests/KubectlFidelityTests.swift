import Foundation
import Testing
@testable import KubeTestServer

/// Issue 3, must-show 4: the real kubectl against the test server, end to end.
@Suite struct KubectlFidelityTests {
    /// The fixture CRD always; the project's own `crds/` too once it holds the real CRD.
    static var crdSources: [String] {
        var sources = [ServerFixture.fixturePath("workloadawsaccess-crd.yaml")]
        let repositoryCRDs = ServerFixture.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("crds")
        let yamlFiles = (try? FileManager.default.contentsOfDirectory(atPath: repositoryCRDs.path))?
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") } ?? []
        if !yamlFiles.isEmpty { sources.append(repositoryCRDs.resolvingSymlinksInPath().path) }
        return sources
    }

    @Test(arguments: crdSources)
    func kubectlWorkflow(crdSource: String) async throws {
        try await ServerFixture.with { fixture in
            func kubectl(_ arguments: String..., stdin: String? = nil) async throws -> Subprocess.Output {
                let output = try await fixture.kubectl(arguments, stdin: stdin)
                try #require(output.status == 0, "\(output.description)")
                return output
            }
            let appliedCRD = try await kubectl("apply", "-f", crdSource)
            #expect(appliedCRD.stdout.contains("customresourcedefinition.apiextensions.k8s.io/workloadawsaccesses.trustline.dev created"))
            _ = try await kubectl("wait", "--for=condition=Established", "crd/workloadawsaccesses.trustline.dev", "--timeout=20s")

            let sample = try String(contentsOfFile: ServerFixture.fixturePath("sample-workloadawsaccess.yaml"), encoding: .utf8)
            let applied = try await kubectl("apply", "-f", "-", stdin: sample)
            #expect(applied.stdout.contains("workloadawsaccess.trustline.dev/my-app created"))
            let reapplied = try await kubectl("apply", "-f", "-", stdin: sample.replacingOccurrences(of: "team: payments", with: "team: billing"))
            #expect(reapplied.stdout.contains("workloadawsaccess.trustline.dev/my-app configured"))

            let watcher = try fixture.startKubectl(["get", "awsaccess", "--watch", "--output-watch-events"])
            defer { watcher.terminate() }
            try await waitUntil(timeout: .seconds(30)) { watcher.currentStdout().contains("ADDED") }

            let table = try await kubectl("get", "awsaccess")
            let header = table.stdout.split(separator: "\n").first.map(String.init) ?? ""
            for column in ["NAME", "ROLE ARN", "SERVICE ACCOUNT", "READY", "REASON", "AGE"] {
                #expect(header.contains(column), "missing column \(column) in \(header)")
            }
            #expect(table.stdout.contains("my-app"))

            let json = try await kubectl("get", "awsaccess", "my-app", "-o", "json")
            let object = try JSONValue.parse(Data(json.stdout.utf8))
            #expect(object[path: ["spec", "audience"]] == "sts.amazonaws.com")
            #expect(object[path: ["spec", "role", "tags", "team"]] == "billing")
            #expect(object[path: ["metadata", "generation"]] == 2)

            let status = """
                {"status":{"observedGeneration":2,"roleArn":"arn:aws:iam::123456789012:role/trustline/test.default.my-app","serviceAccountName":"my-app",\
                "conditions":[{"type":"Ready","status":"True","reason":"Converged","message":"all converged","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
                """
            let patched = try await kubectl("patch", "awsaccess", "my-app", "--subresource=status", "--type=merge", "-p", status)
            #expect(patched.stdout.contains("patched"))
            let waited = try await kubectl("wait", "--for=condition=Ready", "awsaccess/my-app", "--timeout=20s")
            #expect(waited.stdout.contains("condition met"))
            let ready = try await kubectl("get", "trustline")
            let row = ready.stdout.split(separator: "\n").first { $0.hasPrefix("my-app") }.map(String.init) ?? ""
            #expect(row.contains("arn:aws:iam::123456789012:role/trustline/test.default.my-app"))
            #expect(row.contains("True"))
            #expect(row.contains("Converged"))

            _ = try await kubectl("create", "serviceaccount", "my-app")
            let token = try await kubectl("create", "token", "my-app", "--audience", "sts.amazonaws.com", "--duration", "15m")
            let parts = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
            #expect(parts.count == 3)
            let verified = try await fixture.python(
                "verify_jwt.py", [fixture.server.baseURL.absoluteString, fixture.caPath, token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
            let claims = try JSONValue.parse(Data(verified.stdout.utf8))
            #expect(claims["valid"] == true)
            #expect(claims[path: ["claims", "sub"]] == "system:serviceaccount:default:my-app")
            #expect(claims[path: ["claims", "aud"]] == ["sts.amazonaws.com"])

            _ = try await kubectl("patch", "awsaccess", "my-app", "--type=merge", "-p", #"{"metadata":{"finalizers":["trustline.dev/cleanup"]}}"#)
            let deleted = try await kubectl("delete", "awsaccess", "my-app", "--wait=false")
            #expect(deleted.stdout.contains("deleted"))
            let marked = try await kubectl("get", "awsaccess", "my-app", "-o", "jsonpath={.metadata.deletionTimestamp}")
            #expect(!marked.stdout.isEmpty)
            _ = try await kubectl("patch", "awsaccess", "my-app", "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
            let gone = try await fixture.kubectl(["get", "awsaccess", "my-app"])
            #expect(gone.status != 0)
            #expect(gone.stderr.contains("NotFound"), "\(gone.description)")

            try await waitUntil(timeout: .seconds(30)) { watcher.currentStdout().contains("DELETED") }
            let events = watcher.currentStdout().split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(events.first == "EVENT")
            #expect(events.contains("ADDED") && events.contains("MODIFIED") && events.last == "DELETED", "\(events)")
        }
    }

    /// kubectl's typed clients send protobuf bodies for these; the server must read them.
    @Test func kubectlImperativeCreates() async throws {
        try await ServerFixture.with { fixture in
            for arguments in [
                ["create", "namespace", "team-b"],
                ["create", "configmap", "settings", "-n", "team-b", "--from-literal=region=eu-west-1"],
                ["create", "secret", "generic", "creds", "-n", "team-b", "--from-literal=key=s3cr3t"],
                ["create", "serviceaccount", "app", "-n", "team-b"],
            ] {
                let output = try await fixture.kubectl(arguments)
                #expect(output.status == 0, "\(output.description)")
            }
            let configMap = try await fixture.curl("GET", "/api/v1/namespaces/team-b/configmaps/settings")
            #expect(configMap.body["data"] == ["region": "eu-west-1"])
            let secret = try await fixture.curl("GET", "/api/v1/namespaces/team-b/secrets/creds")
            #expect(secret.body["data"] == ["key": .string(Data("s3cr3t".utf8).base64EncodedString())])
            #expect(secret.body["type"] == "Opaque")
            let namespace = try await fixture.curl("GET", "/api/v1/namespaces/team-b")
            #expect(namespace.body[path: ["status", "phase"]] == "Active")
            let account = try await fixture.curl("GET", "/api/v1/namespaces/team-b/serviceaccounts/app")
            #expect(account.body[path: ["metadata", "generateName"]] == nil)
        }
    }

    @Test func kubectlSeesStructuredErrors() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.kubectl(["apply", "-f", ServerFixture.fixturePath("workloadawsaccess-crd.yaml")])
            let invalid = """
                apiVersion: trustline.dev/v1alpha1
                kind: WorkloadAwsAccess
                metadata: {name: bad}
                spec:
                  role: {maxSessionDurationSeconds: 100}
                """
            let rejected = try await fixture.kubectl(["apply", "-f", "-"], stdin: invalid)
            #expect(rejected.status != 0)
            #expect(rejected.stderr.contains("spec.role.maxSessionDurationSeconds"), "\(rejected.description)")
            let typo = try await fixture.kubectl(["apply", "-f", "-"], stdin: invalid.replacingOccurrences(of: "maxSessionDurationSeconds: 100", with: "maxSessionDurationSecs: 3600"))
            #expect(typo.status != 0)
            #expect(typo.stderr.contains("unknown field \"spec.role.maxSessionDurationSecs\""), "\(typo.description)")
            let created = try await fixture.kubectl(["create", "namespace", "team-a"])
            #expect(created.status == 0, "\(created.description)")
            let duplicate = try await fixture.kubectl(["create", "namespace", "team-a"])
            #expect(duplicate.stderr.contains("AlreadyExists"), "\(duplicate.description)")
        }
    }
}
