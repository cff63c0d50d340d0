import Foundation
import Testing

extension EndToEndSuite {
    /// `trustline verify` checks a pod of the ServiceAccount for what the pod identity webhook
    /// injects (docs/pod-identity-webhook.md). Pods are created directly in kube-test-server, with
    /// the fields as the webhook writes them or without; there is no kubelet, so their phase is
    /// set through the status subresource.
    @Suite("End to end: trustline verify checks the webhook's injection in a pod")
    struct VerifyPodCheckTests {
        static let tokenDirectory = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

        /// A pod of ServiceAccount my-app with an init container, as JSON for kubectl; `roleArn` set:
        /// injected as the webhook writes it for the sample (regional endpoints, audience
        /// sts.amazonaws.com, one day).
        static func pod(_ name: String, injectedWith roleArn: String?) throws -> String {
            func container(_ containerName: String) -> [String: Any] {
                var container: [String: Any] = ["name": containerName, "image": "registry.example/\(containerName):1.0"]
                if let roleArn {
                    container["env"] = [
                        ["name": "AWS_ROLE_ARN", "value": roleArn],
                        ["name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "\(tokenDirectory)/token"],
                        ["name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"],
                    ]
                    container["volumeMounts"] = [["name": "aws-iam-token", "mountPath": tokenDirectory, "readOnly": true]]
                }
                return container
            }
            var spec: [String: Any] = ["serviceAccountName": "my-app", "initContainers": [container("setup")], "containers": [container("app")]]
            if roleArn != nil {
                spec["volumes"] = [[
                    "name": "aws-iam-token",
                    "projected": ["sources": [["serviceAccountToken": ["audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token"]]]],
                ]]
            }
            let pod: [String: Any] = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": name, "namespace": "production"], "spec": spec]
            return String(decoding: try JSONSerialization.data(withJSONObject: pod), as: UTF8.self)
        }

        @Test("verify: no pod is no failure; an injected Running pod passes every line; a Pending uninjected pod or another role fails with exit 1")
        func verifyChecksThePod() async throws {
            try await TestCluster.with { cluster in
                try await cluster.applySample("production-my-app.yaml")
                _ = try cluster.startOperator(resyncPeriod: "10m")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let roleArn = try #require(try await cluster.resource("production", "my-app")?.status?.roleArn)
                let binary = try TestTools.trustlineBinary()
                var environment = ProcessInfo.processInfo.environment.merging(cluster.moto.clientEnvironment) { _, new in new }
                environment["KUBECONFIG"] = cluster.kubeconfigPath
                let verifyEnvironment = environment
                func verify() async throws -> (status: Int32, output: String) {
                    try await TestTools.run(binary, ["verify", "production/my-app"], environment: verifyEnvironment)
                }
                func setPhase(_ pod: String, _ phase: String) async throws {
                    _ = try await cluster.kubectlChecked([
                        "patch", "pod", pod, "-n", "production", "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"\#(phase)"}}"#,
                    ])
                }
                let roleLine = "AWS_ROLE_ARN=\(roleArn) in every container"
                let passing = [
                    "  ✓ \(roleLine)",
                    "  ✓ AWS_WEB_IDENTITY_TOKEN_FILE=\(Self.tokenDirectory)/token in every container",
                    "  ✓ AWS_STS_REGIONAL_ENDPOINTS=regional in every container",
                    "  ✓ volume aws-iam-token: projected serviceAccountToken, audience sts.amazonaws.com, expirationSeconds 86400, path token",
                    "  ✓ aws-iam-token mounted read-only at \(Self.tokenDirectory) in every container",
                ]

                // No pod yet: said so, and not a failure.
                let none = try await verify()
                #expect(none.status == 0, "\(none.output)")
                #expect(none.output.contains("assumed role:    arn:aws:sts::"), "\(none.output)")
                #expect(none.output.contains("pod:             none found for ServiceAccount production/my-app"), "\(none.output)")

                // A Running pod as the webhook writes it: every line passes.
                try await cluster.apply(try Self.pod("injected", injectedWith: roleArn))
                try await setPhase("injected", "Running")
                let injected = try await verify()
                #expect(injected.status == 0, "\(injected.output)")
                #expect(injected.output.contains("pod:             production/injected (Running)"), "\(injected.output)")
                for line in passing { #expect(injected.output.contains(line), "missing \(line) in \(injected.output)") }
                #expect(!injected.output.contains("✗"), "\(injected.output)")

                // A newer pod created without the webhook stays Pending: the Running one is still the one checked.
                try await cluster.apply(try Self.pod("plain", injectedWith: nil))
                let preferRunning = try await verify()
                #expect(preferRunning.status == 0, "\(preferRunning.output)")
                #expect(preferRunning.output.contains("pod:             production/injected (Running)"), "\(preferRunning.output)")

                // Once the Running pod goes, the Pending one is checked: every item fails, exit 1.
                _ = try await cluster.kubectlChecked(["delete", "pod", "injected", "-n", "production", "--wait=false"])
                let pending = try await verify()
                #expect(pending.status == 1, "\(pending.output)")
                #expect(pending.output.contains("pod:             production/plain (Pending: not started yet; its spec is what the webhook wrote at creation)"), "\(pending.output)")
                #expect(pending.output.contains("  ✗ \(roleLine): init container setup does not set it; container app does not set it"), "\(pending.output)")
                #expect(pending.output.contains("  ✗ volume aws-iam-token: projected serviceAccountToken, audience sts.amazonaws.com, expirationSeconds 86400, path token: the pod has no volume aws-iam-token"), "\(pending.output)")
                #expect(pending.output.contains("verify failed at pod check: 5 of 5 items failed"), "\(pending.output)")

                // A Running pod injected with another role (a stale one): that line alone fails.
                let stale = "arn:aws:iam::123456789012:role/trustline/e2e.production.old-name"
                try await cluster.apply(try Self.pod("stale", injectedWith: stale))
                try await setPhase("stale", "Running")
                let wrongRole = try await verify()
                #expect(wrongRole.status == 1, "\(wrongRole.output)")
                #expect(wrongRole.output.contains("pod:             production/stale (Running)"), "\(wrongRole.output)")
                #expect(wrongRole.output.contains(
                    "  ✗ \(roleLine): init container setup sets it to \"\(stale)\"; container app sets it to \"\(stale)\""), "\(wrongRole.output)")
                for line in passing.dropFirst() { #expect(wrongRole.output.contains(line), "missing \(line) in \(wrongRole.output)") }
                #expect(wrongRole.output.contains("verify failed at pod check: 1 of 5 items failed"), "\(wrongRole.output)")
            }
        }
    }
}
