import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3, last bullet: two operators with leader election; one reconciles, the
    /// other takes over within 20 s of the first being killed, and at once when it is stopped with
    /// SIGTERM (the lease is released).
    @Suite("End to end: leader election")
    struct LeaderElectionTests {
        @Test("only the leader reconciles; a SIGKILLed leader is replaced within 20s", arguments: [false, true])
        func takeover(graceful: Bool) async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let first = try cluster.startOperator(name: "first", resyncPeriod: "10m", extraArguments: ["--leader-elect"])
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let second = try cluster.startOperator(name: "second", resyncPeriod: "10m", extraArguments: ["--leader-elect"])
                try await second.waitForMetrics()
                try await Task.sleep(for: .seconds(3))
                #expect(try await first.total("trustline_reconciles_total") > 0)
                #expect(try await second.total("trustline_reconciles_total") == 0, "the follower reconciled")

                let lease = try #require(try await cluster.kubernetes.getIfPresent(Lease.self, namespace: "default", name: "trustline-leader"))
                let firstHolder = try #require(lease.spec?.holderIdentity)

                let stopped = ContinuousClock.now
                if graceful { await first.stop() } else { await first.process.kill9() }
                // A change only a live leader can converge.
                try await cluster.apply(Manifests.access(name: "my-app", tags: ["team": "payments", "leader": "second"]))
                try await cluster.eventually(timeout: .seconds(40), "the second operator converged the change") { () -> Bool? in
                    let tags = try await cluster.moto.iam.listRoleTags(roleName: "e2e.production.my-app")
                    return tags.contains { $0.key == "leader" && $0.value == "second" } ? true : nil
                }
                let takeover = stopped.duration(to: .now)
                #expect(takeover < (graceful ? .seconds(8) : .seconds(20)), "takeover took \(takeover)")
                // The reconcile that wrote the tag is counted once it has finished.
                try await cluster.eventually(timeout: .seconds(10), "the second operator's reconcile finished") { () -> Bool? in
                    try await second.total("trustline_reconciles_total") > 0 ? true : nil
                }
                let after = try await cluster.kubernetes.getIfPresent(Lease.self, namespace: "default", name: "trustline-leader")
                #expect(after?.spec?.holderIdentity != firstHolder)
            }
        }
    }
}
