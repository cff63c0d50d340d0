import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 11, item 1: one resource the operator cannot decode never stops the others.
    @Suite("End to end: an undecodable resource is reported and stops nothing")
    struct UndecodableResourceTests {
        /// A WorkloadAwsAccess whose policy document nests `depth` objects, as JSON (kubectl
        /// sends it as it is; YAML that deep is unwieldy).
        static func deepResource(name: String, namespace: String, depth: Int) -> String {
            let document = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
            return #"{"apiVersion":"trustline.dev/v1alpha1","kind":"WorkloadAwsAccess","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"spec":{"inlinePolicies":[{"name":"p","document":\#(document)}]}}"#
        }

        static func create(_ json: String, in cluster: TestCluster) async throws {
            let path = (cluster.directory as NSString).appendingPathComponent("deep-\(UUID().uuidString).json")
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            try await cluster.kubectlChecked(["create", "-f", path])
        }

        /// The Warning events about `name` in `namespace` with reason InvalidSpec.
        static func warnings(_ cluster: TestCluster, _ namespace: String, _ name: String) async throws -> [Event] {
            try await cluster.kubernetes.list(Event.self, namespace: namespace).items.filter {
                $0.regarding.name == name && $0.reason == "InvalidSpec" && $0.type == .warning
            }
        }

        @Test("600 levels deep in one namespace: valid resources elsewhere converge, the deep one gets a Warning, /readyz stays true, deleting it works")
        func deepResourceIsSkippedAndReported() async throws {
            try await TestCluster.with(namespaces: ["team-a", "team-b"]) { cluster in
                // Present before the operator starts: its first list holds it.
                try await Self.create(Self.deepResource(name: "deep", namespace: "team-b", depth: 600), in: cluster)
                try await cluster.apply(Manifests.access(name: "app", namespace: "team-a"))
                let running = try cluster.startOperator()
                try await running.waitForMetrics()
                try await cluster.waitForCondition("team-a", "app", type: .ready, status: "True", reason: "Converged", timeout: .seconds(90))
                #expect(try await running.probe("/readyz") == 200)

                let listed = try await cluster.eventually(timeout: .seconds(30), "a Warning InvalidSpec event on team-b/deep") {
                    try await Self.warnings(cluster, "team-b", "deep").first
                }
                #expect(listed.note?.contains("spec.inlinePolicies[0].document") == true, "\(listed.note ?? "")")

                // One arriving through the watch, then a valid one after it: the watch goes on.
                try await Self.create(Self.deepResource(name: "deep-2", namespace: "team-b", depth: 600), in: cluster)
                try await cluster.apply(Manifests.access(name: "app-2", namespace: "team-a"))
                try await cluster.waitForCondition("team-a", "app-2", type: .ready, status: "True", reason: "Converged", timeout: .seconds(90))
                try await cluster.eventually(timeout: .seconds(30), "a Warning InvalidSpec event on team-b/deep-2") {
                    try await Self.warnings(cluster, "team-b", "deep-2").first
                }
                #expect(try await running.total("trustline_undecodable_objects_total") >= 2)
                #expect(try await running.probe("/readyz") == 200)
                #expect(try await running.probe("/healthz") == 200)

                // Between our bound (32 levels) and the decoder's (`JSONValue.maximumDecodingDepth`,
                // 64 from the object's root; the document starts 4 levels down): decoded, refused
                // as InvalidSpec in status.
                try await Self.create(Self.deepResource(name: "deep-50", namespace: "team-b", depth: 50), in: cluster)
                let refused = try await cluster.waitForCondition("team-b", "deep-50", type: .ready, status: "False", reason: "InvalidSpec", timeout: .seconds(60))
                #expect(refused.status?.condition(.ready)?.message.contains("spec.inlinePolicies[0].document") == true)

                // Deleting the undecodable ones is immediate: the operator never put a finalizer on them.
                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "deep", "deep-2", "-n", "team-b", "--timeout=30s"])
                let remaining = try await cluster.kubectlChecked(["get", "workloadawsaccess", "-n", "team-b", "-o", "name"])
                #expect(remaining.trimmingCharacters(in: .whitespacesAndNewlines) == "workloadawsaccess.trustline.dev/deep-50")

                // And the operator still works after all this.
                try await cluster.apply(Manifests.access(name: "app-3", namespace: "team-a"))
                try await cluster.waitForCondition("team-a", "app-3", type: .ready, status: "True", reason: "Converged", timeout: .seconds(90))
                #expect(try await running.probe("/readyz") == 200)
            }
        }

        @Test("a list and watch that cannot proceed is logged and fails /readyz until it can again")
        func stalledWatchFailsReadiness() async throws {
            try await TestCluster.with(namespaces: ["team-a"]) { cluster in
                try await cluster.apply(Manifests.access(name: "app", namespace: "team-a"))
                let running = try cluster.startOperator()
                try await running.waitForMetrics()
                try await cluster.waitForCondition("team-a", "app", type: .ready, status: "True", reason: "Converged", timeout: .seconds(90))
                #expect(try await running.probe("/readyz") == 200)

                // Every request for our kind fails, and the open watches end: reconnecting fails.
                cluster.server.faults.failNextRequests(100_000, status: 500, method: "GET", pathPrefix: "/apis/trustline.dev/")
                cluster.server.faults.dropAllWatches()
                try await cluster.eventually(timeout: .seconds(60), "/readyz failing while the watch cannot proceed") {
                    try await running.probe("/readyz") == 503 ? true : nil
                }
                #expect(try await running.probe("/healthz") == 200, "alive: waiting, not broken")
                #expect(running.process.log.contains("cannot list and watch workloadawsaccesses.trustline.dev"), "the problem is logged")

                cluster.server.faults.reset()
                try await cluster.eventually(timeout: .seconds(60), "/readyz back to 200 once the watch proceeds") {
                    try await running.probe("/readyz") == 200 ? true : nil
                }
                try await cluster.apply(Manifests.access(name: "app-2", namespace: "team-a"))
                try await cluster.waitForCondition("team-a", "app-2", type: .ready, status: "True", reason: "Converged", timeout: .seconds(90))
            }
        }
    }
}
