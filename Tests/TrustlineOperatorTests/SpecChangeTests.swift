import AWSClients
import ControllerRuntime
import KubeClient
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Spec changes after convergence: only the calls needed, renames leave no orphan, and
/// concurrent writers to the resource make the reconcile retry instead of losing data.
@Suite struct SpecChangeTests {
    @Test func policyEditManagedPolicyRemovalAndTagAdditionMakeOnlyTheNeededCalls() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        harness.resetCalls()

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.inlinePolicies[0].document = [
                "Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"]],
            ]
            $0.spec.managedPolicyArns = []
            $0.spec.role.tags["cost-center"] = "42"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.writeCalls.map(\.action) == ["DetachRolePolicy", "PutRolePolicy", "TagRole"])
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(role.attachedPolicies.isEmpty)
        #expect(role.tags.contains(IAMTag(key: "cost-center", value: "42")))
        ConditionExpectation.converged.check(harness.resource()?.status)
    }

    @Test func renamingTheRoleDeletesThePreviousOne() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.role.name = "payments-reader"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.roleNames == ["payments-reader"])
        let status = try #require(harness.resource()?.status)
        #expect(status.roleName == "payments-reader")
        #expect(status.roleArn == "arn:aws:iam::123456789012:role/trustline/payments-reader")
        #expect(harness.serviceAccount()?.metadata.annotations?["eks.amazonaws.com/role-arn"] == status.roleArn)
        #expect(harness.events().map(\.reason) == ["Converged", "RoleReplaced", "Converged"])
    }

    @Test func renamingAwayFromAForeignRoleLeavesItAlone() async throws {
        let harness = ReconcilerHarness()
        OwnershipTests.seedForeignRole(harness.iam)
        let foreign = try #require(harness.iam.role(Samples.roleName))
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.role.name = "payments-reader"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.role(Samples.roleName) == foreign)
        #expect(harness.iam.role("payments-reader") != nil)
    }

    @Test func statusConflictIsRetriedWithBackoff() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        harness.kubernetes.fail("update", kind: "WorkloadAwsAccess", with: InMemoryKubernetes.conflict(WorkloadAwsAccess.descriptor, "my-app", "stale"))

        let first = await harness.reconcile()

        guard case .transientError(let message) = first else {
            Issue.record("expected a retry with backoff, got \(first)")
            return
        }
        #expect(message.contains("status"))
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.iam.calls("CreateRole").count == 1)
    }

    @Test func resourceGoneBeforeReconcileIsDone() async throws {
        let harness = ReconcilerHarness()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.kubernetes.writeCalls.isEmpty)
    }

    @Test func finalizerConflictIsRetriedWithoutTouchingIAM() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        harness.kubernetes.fail("patch", kind: "WorkloadAwsAccess", with: InMemoryKubernetes.conflict(WorkloadAwsAccess.descriptor, "my-app", "stale"))

        let result = await harness.reconcile()

        guard case .transientError = result else {
            Issue.record("expected a retry with backoff, got \(result)")
            return
        }
        #expect(harness.iam.calls.isEmpty, "no AWS call before the finalizer is on")
        #expect(await harness.reconcile() == .done)
    }
}
