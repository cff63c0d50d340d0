import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 12, build 1: one role per ServiceAccount. Two resources naming one existing
    /// ServiceAccount do not take turns rewriting its annotation: the older writes, the younger
    /// reports `ServiceAccountConflict` and writes nothing, and takes over by itself once the older
    /// is gone. An annotation eksctl set is left as it is.
    @Suite("End to end: one role per ServiceAccount")
    struct ServiceAccountConflictTests {
        /// `Manifests.access` naming an existing ServiceAccount with `create: false`.
        static func claim(_ name: String, serviceAccount: String) -> String {
            Manifests.access(name: name, serviceAccount: serviceAccount)
                .replacingOccurrences(of: "    name: \(serviceAccount)\n", with: "    name: \(serviceAccount)\n    create: false\n")
        }

        @Test("the older claim is Ready, the younger ServiceAccountConflict; nothing is rewritten over a resync; deleting the older hands over")
        func olderClaimWins() async throws {
            try await TestCluster.with { cluster in
                try await cluster.kubectlChecked(["create", "serviceaccount", "shared", "-n", "production"])
                // Named so that the name alone would pick the younger: only creationTimestamp makes "zeta" the winner.
                try await cluster.apply(Self.claim("zeta", serviceAccount: "shared"))
                try await Task.sleep(for: .milliseconds(1100))
                try await cluster.apply(Self.claim("alpha", serviceAccount: "shared"))
                let zeta = try #require(try await cluster.resource("production", "zeta"))
                let alpha = try #require(try await cluster.resource("production", "alpha"))
                #expect((zeta.metadata.creationTimestamp ?? "") < (alpha.metadata.creationTimestamp ?? ""))

                _ = try cluster.startOperator(resyncPeriod: "2s")
                let winner = try await cluster.waitForCondition("production", "zeta", type: .ready, status: "True")
                let loser = try await cluster.waitForCondition(
                    "production", "alpha", type: .ready, status: "False", reason: "ServiceAccountConflict")
                #expect(loser.status?.condition(.stalled)?.status == .true, "a person must act: Stalled")
                #expect(loser.status?.condition(.ready)?.message.contains("WorkloadAwsAccess zeta") == true)
                let zetaArn = try #require(winner.status?.roleArn)
                let settled = try #require(try await cluster.serviceAccount("production", "shared"))
                #expect(settled.metadata.annotations?["eks.amazonaws.com/role-arn"] == zetaArn)
                let warnings = try await cluster.kubernetes.list(Event.self, namespace: "production").items.filter {
                    $0.reason == "ServiceAccountConflict" && $0.regarding.name == "alpha"
                }
                #expect(warnings.count == 1 && warnings.first?.type == .warning, "one Warning event: \(warnings.map(\.note))")

                // Three resync periods: neither resource writes the ServiceAccount or the loser's status again.
                let loserVersion = try await cluster.resource("production", "alpha")?.metadata.resourceVersion
                try await Task.sleep(for: .seconds(6))
                let after = try #require(try await cluster.serviceAccount("production", "shared"))
                #expect(after.metadata.resourceVersion == settled.metadata.resourceVersion, "the ServiceAccount was written during the resyncs")
                #expect(try await cluster.resource("production", "alpha")?.metadata.resourceVersion == loserVersion, "status churn")

                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "zeta", "-n", "production", "--timeout=60s"])
                let takenOver = try await cluster.waitForCondition("production", "alpha", type: .ready, status: "True")
                let alphaArn = try #require(takenOver.status?.roleArn)
                #expect(alphaArn != zetaArn)
                try await cluster.eventually("the ServiceAccount carries the younger's role") {
                    try await cluster.serviceAccount("production", "shared")?.metadata.annotations?["eks.amazonaws.com/role-arn"] == alphaArn ? true : nil
                }
            }
        }

        @Test("a ServiceAccount eksctl annotated is left untouched, with ServiceAccountConflict saying how to hand it over")
        func eksctlAnnotationIsLeftAlone() async throws {
            try await TestCluster.with { cluster in
                let eksctlArn = "arn:aws:iam::123456789012:role/eksctl-e2e-addon-iamserviceaccount-production-Role1-ABCDEF"
                try await cluster.apply("""
                    apiVersion: v1
                    kind: ServiceAccount
                    metadata:
                      name: billing
                      namespace: production
                      labels: {app.kubernetes.io/managed-by: eksctl}
                      annotations: {eks.amazonaws.com/role-arn: "\(eksctlArn)"}
                    """)
                let before = try #require(try await cluster.serviceAccount("production", "billing"))
                try await cluster.apply(Self.claim("billing", serviceAccount: "billing"))

                _ = try cluster.startOperator(resyncPeriod: "2s")
                let blocked = try await cluster.waitForCondition(
                    "production", "billing", type: .ready, status: "False", reason: "ServiceAccountConflict")
                let message = blocked.status?.condition(.ready)?.message ?? ""
                #expect(message.contains(eksctlArn), "\(message)")
                #expect(message.contains("eks.amazonaws.com/role-arn-"), "says how to hand it over: \(message)")
                #expect(blocked.status?.condition(.roleReady)?.status == .true, "the role itself is in place")
                try await Task.sleep(for: .seconds(4))
                let after = try #require(try await cluster.serviceAccount("production", "billing"))
                #expect(after.metadata.resourceVersion == before.metadata.resourceVersion)
                #expect(after.metadata.annotations == before.metadata.annotations)
            }
        }
    }
}
