import Foundation
import KubeModels
import TestSupport
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3: IAM throttling and 500s injected in front of moto, and dropped
    /// watches and 409s injected in the test server: everything still converges.
    @Suite("End to end: faults")
    struct FaultToleranceTests {
        @Test("IAM Throttling and 500s, dropped watches and 409 conflicts: every resource still converges")
        func convergesThroughFaults() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                let proxy = try await IAMFaultProxy.start(upstream: cluster.moto.url, logDirectory: cluster.directory)
                try await withTeardown {
                    try await cluster.applySample("production-my-app.yaml")
                    try await cluster.applySample("production-reports-managed-only.yaml")
                    try await cluster.applySample("staging-worker.yaml")
                    let faults = cluster.server.faults
                    // Status writes and finalizer updates of the resources conflict a few times, reads fail.
                    faults.failNextRequests(4, status: 409, method: "PUT", pathPrefix: "/apis/trustline.dev/")
                    faults.failNextRequests(2, status: 409, method: "PATCH", pathPrefix: "/apis/trustline.dev/")
                    faults.failNextRequests(2, status: 500, method: "GET", pathPrefix: "/apis/trustline.dev/")
                    let running = try cluster.startOperator(resyncPeriod: "5s", awsEndpoint: proxy.url)
                    try await running.waitForMetrics()
                    for _ in 0..<3 {
                        try await Task.sleep(for: .milliseconds(700))
                        faults.dropAllWatches()
                    }
                    for (namespace, name) in [("production", "my-app"), ("production", "reports"), ("staging", "worker")] {
                        try await cluster.waitForCondition(namespace, name, type: .ready, status: "True", timeout: .seconds(120))
                    }
                    // The faults really happened and the operator saw them.
                    let samples = try await running.metrics()
                    let throttled = samples.filter { $0.key.contains("code=\"Throttling\"") }.values.reduce(0, +)
                    let failed = samples.filter { $0.key.contains("code=\"ServiceFailure\"") }.values.reduce(0, +)
                    #expect(throttled > 0)
                    #expect(failed > 0)

                    // After the dropped watches, a change is still seen and converged.
                    faults.dropAllWatches()
                    try await cluster.apply(Manifests.access(name: "my-app", tags: ["team": "payments", "after": "faults"]))
                    try await cluster.eventually(timeout: .seconds(60), "the change after dropped watches converged") { () -> Bool? in
                        let tags = try await cluster.moto.iam.listRoleTags(roleName: "e2e.production.my-app")
                        return tags.contains { $0.key == "after" && $0.value == "faults" } ? true : nil
                    }
                    let roles = try await cluster.moto.iam.getRole(roleName: "e2e.staging.worker")
                    #expect(roles.roleName == "e2e.staging.worker")
                } teardown: {
                    await proxy.stop()
                }
            }
        }
    }
}
