import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 14 item 3: with the drift pass reading IAM in bulk, a reconcile caused by anything but a
/// spec change puts the ServiceAccount and status right without reading the role again; spec
/// changes, errors, first reconciles and keys the pass flagged observe in full, as before.
@Suite struct ConvergedRoleSkipTests {
    @Test func aServiceAccountEventCostsNoIAMCall() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        try harness.base.kubernetes.edit(ServiceAccount.self, namespace: "production", name: DriftPassHarness.name(0)) {
            $0.metadata.annotations = ["added-by-user": "yes"]
        }
        harness.iam.resetCalls()
        harness.base.kubernetes.resetCalls()

        #expect(await harness.reconcile(0) == .done)

        #expect(harness.iam.calls.isEmpty, "\(harness.iam.actionNames)")
        let annotations = harness.base.serviceAccount("production", DriftPassHarness.name(0))?.metadata.annotations
        #expect(annotations?["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/trustline/\(DriftPassHarness.roleName(0))")
        #expect(harness.base.kubernetes.writeCalls.map { "\($0.verb) \($0.kind)" } == ["patch ServiceAccount"])
        #expect(harness.base.kubernetes.statusWrites.isEmpty)
    }

    @Test func withoutTheMemoTheSameEventObservesTheRole() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        harness.iam.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.calls("GetRole").count == 1)
    }

    @Test func theStatusEchoMakesNoCallAtAll() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        harness.iam.resetCalls()
        harness.base.kubernetes.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.base.kubernetes.writeCalls.isEmpty)
    }

    @Test func aSpecChangeObservesAndConverges() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        harness.iam.mutateRole(DriftPassHarness.roleName(0)) { $0.description = "edited by hand" }
        try harness.base.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: DriftPassHarness.name(0)) {
            $0.spec.role.tags["tier"] = "gold"
        }
        harness.iam.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls("GetRole").count == 1)
        // The per-role path owns description and duration: a spec change puts them back too.
        #expect(Set(harness.iam.writeCalls.map(\.action)) == ["TagRole", "UpdateRole"])
        harness.iam.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls.isEmpty, "converged for the new generation")
    }

    @Test func aFlaggedKeyObservesInFullAndReportsTheDrift() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        harness.iam.mutateRole(DriftPassHarness.roleName(0)) { $0.trustPolicy = DriftTests.wildcardTrust }
        harness.iam.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls.isEmpty, "unflagged, the reconcile trusts the memo")

        let report = try await harness.pass(pageSize: 100)
        #expect(Array(report.flagged.keys) == [DriftPassHarness.key(0)])
        harness.base.resetCalls()
        await harness.act(on: report)
        #expect(harness.iam.writeCalls.map(\.action) == ["UpdateAssumeRolePolicy"])
        let event = try #require(harness.base.events("production", DriftPassHarness.name(0)).last)
        #expect(event.reason == "DriftCorrected")
        #expect(event.note?.contains("trust policy") == true)
        #expect(harness.base.kubernetes.statusWrites.isEmpty)
    }

    @Test func anErrorMakesTheNextReconcileObserveAgain() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        harness.memo.flag(DriftPassHarness.key(0))
        harness.iam.fail("GetRole", with: InMemoryIAM.error("ServiceFailure", "boom", status: 500))
        guard case .transientError = await harness.reconcile(0) else {
            Issue.record("expected a transient error")
            return
        }
        harness.iam.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls("GetRole").count == 1)
        harness.iam.resetCalls()
        #expect(await harness.reconcile(0) == .done)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func deletionForgetsTheKey() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1)
        #expect(harness.memo.count == 1)
        try await harness.base.delete("production", DriftPassHarness.name(0))
        _ = await harness.reconcile(0)
        #expect(harness.iam.role(DriftPassHarness.roleName(0)) == nil)
        #expect(harness.memo.count == 0)
    }
}
