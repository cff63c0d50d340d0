import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3: a resource in one namespace cannot produce a trust policy for a
    /// ServiceAccount of another; an operator killed with SIGKILL mid-reconcile and restarted
    /// converges and leaves no orphaned role.
    @Suite("End to end: namespace isolation and crash restart")
    struct IsolationAndRestartTests {
        @Test("a resource in staging naming production's ServiceAccount gets a trust policy for staging only")
        func namespaceIsolation() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                // Same resource and ServiceAccount names in two namespaces.
                try await cluster.apply(Manifests.access(name: "my-app", namespace: "production"))
                try await cluster.apply(Manifests.access(name: "intruder", namespace: "staging", serviceAccount: "my-app"))
                _ = try cluster.startOperator()
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let intruder = try await cluster.waitForCondition("staging", "intruder", type: .ready, status: "True")
                let issuer = String(cluster.server.issuer.dropFirst("https://".count))
                for (roleName, namespace) in [("e2e.production.my-app", "production"), ("e2e.staging.intruder", "staging")] {
                    let role = try await cluster.moto.iam.getRole(roleName: roleName)
                    let trust = try PolicyCanonicalizer.parse(role.assumeRolePolicyDocument ?? "{}")
                    let text = PolicyCanonicalizer.compactText(trust)
                    #expect(text.contains("system:serviceaccount:\(namespace):my-app"), "\(roleName): \(text)")
                    let other = namespace == "production" ? "staging" : "production"
                    #expect(!text.contains("system:serviceaccount:\(other):"), "\(roleName) trusts \(other): \(text)")
                    #expect(text.contains("\(issuer):sub"))
                }
                #expect(intruder.status?.serviceAccountName == "my-app")
                // production's ServiceAccount still points at production's role only.
                let account = try #require(try await cluster.serviceAccount("production", "my-app"))
                #expect(account.metadata.annotations?["eks.amazonaws.com/role-arn"]?.hasSuffix("/e2e.production.my-app") == true)
            }
        }

        @Test("--watch-namespaces limits the operator to those namespaces")
        func watchNamespaces() async throws {
            try await TestCluster.with(namespaces: ["production", "staging", "dev"]) { cluster in
                try await cluster.apply(Manifests.access(name: "my-app", namespace: "production"))
                try await cluster.apply(Manifests.access(name: "worker", namespace: "staging"))
                try await cluster.apply(Manifests.access(name: "tool", namespace: "dev"))
                let running = try cluster.startOperator(extraArguments: ["--watch-namespaces", "staging,dev"])
                try await cluster.waitForCondition("staging", "worker", type: .ready, status: "True")
                try await cluster.waitForCondition("dev", "tool", type: .ready, status: "True")
                try await Task.sleep(for: .seconds(2))
                let ignored = try #require(try await cluster.resource("production", "my-app"))
                #expect(ignored.status == nil)
                #expect(ignored.metadata.finalizers == nil || ignored.metadata.finalizers?.isEmpty == true)
                await #expect(throws: AWSClientError.self) { _ = try await cluster.moto.iam.getRole(roleName: "e2e.production.my-app") }
                #expect(try await running.total("trustline_managed_resources_count") == 2)
            }
        }

        @Test("an operator SIGKILLed mid-reconcile and restarted converges with no orphaned role")
        func crashRestart() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                try await cluster.applySample("production-my-app.yaml")
                try await cluster.applySample("production-reports-managed-only.yaml")
                try await cluster.applySample("staging-worker.yaml")
                let first = try cluster.startOperator(name: "crashing")
                try await cluster.eventually(timeout: .seconds(60), "the first IAM write") { () -> Bool? in
                    try await first.total("trustline_iam_writes_total") > 0 ? true : nil
                }
                await first.process.kill9()
                let second = try cluster.startOperator(name: "restarted")
                let resources = [("production", "my-app"), ("production", "reports"), ("staging", "worker")]
                for (namespace, name) in resources {
                    try await cluster.waitForCondition(namespace, name, type: .ready, status: "True", timeout: .seconds(90))
                }
                try await second.waitForMetrics()
                try await cluster.eventually("the restarted operator reconciled") { () -> Bool? in
                    try await second.total("trustline_reconciles_total") > 0 ? true : nil
                }
                let roleNames = ["e2e.production.my-app", "e2e.production.reports", "e2e.staging.worker"]
                for roleName in roleNames {
                    let tags = try await cluster.moto.iam.listRoleTags(roleName: roleName)
                    #expect(tags.contains { $0.key == "trustline.dev/cluster" && $0.value == "e2e" })
                }
                // Delete the two Delete-policy resources: their roles go, none is left behind.
                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "reports", "-n", "production", "--timeout=60s"])
                for roleName in ["e2e.production.my-app", "e2e.production.reports"] {
                    await #expect(throws: AWSClientError.self) { _ = try await cluster.moto.iam.getRole(roleName: roleName) }
                }
            }
        }
    }
}
