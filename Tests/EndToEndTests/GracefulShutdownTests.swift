import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4: SIGTERM drains in-flight reconciles (they finish, status included) before exit.
    @Suite("End to end: graceful shutdown")
    struct GracefulShutdownTests {
        @Test("SIGTERM mid-reconcile: the reconcile finishes (Ready written) and the process exits 0")
        func sigtermDrains() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                // Every API response is slowed down, so one reconcile takes several seconds.
                cluster.server.faults.latency = .milliseconds(700)
                let running = try cluster.startOperator(resyncPeriod: "10m")
                try await cluster.eventually(timeout: .seconds(60), "the first IAM write") { () -> Bool? in
                    try await running.total("trustline_iam_writes_total") > 0 ? true : nil
                }
                let status = await running.process.stop(grace: .seconds(60))
                #expect(status == 0, "\(running.process.log.suffix(2000))")
                cluster.server.faults.latency = .zero
                // Nothing runs any more: what is there was written by the drained reconcile.
                let resource = try #require(try await cluster.resource("production", "my-app"))
                #expect(resource.status?.condition(.ready)?.status == .true, "status after drain: \(String(describing: resource.status))")
                // The reconcile was still running when the drain began, and finished after it.
                let log = running.process.log
                let drain = try #require(log.range(of: "draining in-flight reconciles"))
                let converged = try #require(log.range(of: "msg=converged"), "no converged line: \(log.suffix(2000))")
                #expect(drain.lowerBound < converged.lowerBound)
            }
        }
    }
}
