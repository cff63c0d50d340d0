import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Two operator instances reconciling the same resources at once (two leaders can briefly
/// coexist) converge without corrupting anything: one role per resource, no duplicate writes
/// once converged.
@Suite struct ConcurrentOperatorsTests {
    @Test func twoReconcilersOnTheSameResourcesConverge() async throws {
        let harness = ReconcilerHarness()
        let names = (0..<8).map { "app-\($0)" }
        for name in names { try harness.apply(Samples.myApp(name: name)) }
        let second = WorkloadAwsAccessReconciler(
            settings: harness.settings, environment: harness.reconciler.environment, iam: harness.iam,
            kubernetes: harness.kubernetes, cache: harness.cache, clock: harness.clock,
            events: KubernetesEventRecorder(kubernetes: harness.kubernetes, clock: harness.clock, reportingInstance: "second", logger: harness.logs.logger()),
            logger: harness.logs.logger())

        for _ in 0..<10 {
            let results = await withTaskGroup(of: ReconcileResult.self) { group in
                for name in names {
                    for reconciler in [harness.reconciler, second] {
                        group.addTask { await reconciler.reconcile(ObjectKey(namespace: "production", name: name)) }
                    }
                }
                return await group.reduce(into: [ReconcileResult]()) { $0.append($1) }
            }
            if results.allSatisfy({ $0 == .done }) { break }
        }

        #expect(harness.iam.roleNames == names.map { "prod.production.\($0)" }.sorted())
        for name in names {
            ConditionExpectation.converged.check(harness.resource("production", name)?.status)
            let role = try #require(harness.iam.role("prod.production.\(name)"))
            #expect(Set(role.inlinePolicies.keys) == ["s3-access"])
            #expect(role.attachedPolicies == [Samples.s3ReadOnly])
            #expect(harness.serviceAccount("production", name)?.metadata.annotations?["eks.amazonaws.com/role-arn"] == role.arn)
        }
        harness.resetCalls()
        for name in names {
            #expect(await second.reconcile(ObjectKey(namespace: "production", name: name)) == .done)
        }
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.kubernetes.writeCalls.isEmpty)
    }
}
