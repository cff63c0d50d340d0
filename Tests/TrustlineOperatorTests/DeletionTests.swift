import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Deletion through the finalizer `trustline.dev/cleanup`, with `Delete` and `Retain`.
@Suite struct DeletionTests {
    /// A harness with the seed's example converged.
    static func converged(_ resource: WorkloadAwsAccess = Samples.myApp()) async throws -> ReconcilerHarness {
        let harness = ReconcilerHarness()
        try harness.apply(resource)
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.role(Samples.roleName) != nil)
        return harness
    }

    @Test func deleteLeavesNoRolePolicyOrServiceAccountAndRemovesTheFinalizer() async throws {
        let harness = try await Self.converged()
        harness.resetCalls()

        try await harness.delete()
        #expect(harness.resource()?.metadata.deletionTimestamp != nil, "held by the finalizer")
        let result = await harness.reconcile()

        #expect(result == .done)
        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.iam.writeCalls.map(\.action) == ["DetachRolePolicy", "DeleteRolePolicy", "DeleteRole"])
        #expect(harness.serviceAccount() == nil, "the ServiceAccount we created is deleted")
        #expect(harness.resource() == nil, "finalizer removed")
        #expect(harness.events().map(\.reason) == ["Converged", "Deleting"])
        #expect(harness.events().last?.type == .normal)
    }

    @Test func deleteRemovesOnlyOurAnnotationsFromAServiceAccountWeDidNotCreate() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(
            name: "my-app", namespace: "production", annotations: ["owner": "team-a"])))
        var resource = Samples.myApp()
        resource.spec.stsRegionalEndpoints = true
        try harness.apply(resource)
        #expect(await harness.reconcile() == .done)
        #expect(harness.serviceAccount()?.metadata.annotations?.count == 3)

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        let serviceAccount = try #require(harness.serviceAccount(), "a ServiceAccount we did not create stays")
        #expect(serviceAccount.metadata.annotations == ["owner": "team-a"])
        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.resource() == nil)
    }

    /// Retain keeps the role's trust, policies and tags; its only write marks it retained, so the
    /// orphan sweep spares it once the resource is gone.
    @Test func retainLeavesTheRole() async throws {
        var resource = Samples.myApp()
        resource.spec.deletionPolicy = .retain
        let harness = try await Self.converged(resource)
        var before = try #require(harness.iam.role(Samples.roleName))
        harness.resetCalls()

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        before.tags.append(IAMTag(key: OwnershipTags.retained, value: "true"))
        #expect(harness.iam.role(Samples.roleName) == before)
        #expect(harness.iam.writeCalls.map(\.action) == ["TagRole"], "Retain only marks the role: \(harness.iam.actionNames)")
        #expect(harness.resource() == nil)
    }

    @Test func otherControllersFinalizersAreKeptAndDeletingIsReported() async throws {
        let harness = try await Self.converged(Samples.myApp(finalizers: ["example.com/backup"]))
        #expect(harness.resource()?.metadata.finalizers == ["example.com/backup", "trustline.dev/cleanup"])

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        let resource = try #require(harness.resource(), "still held by the other controller's finalizer")
        #expect(resource.metadata.finalizers == ["example.com/backup"])
        let status = try #require(resource.status)
        let ready = try #require(status.condition(.ready))
        #expect(ready.status == .false)
        #expect(ready.reason == "Deleting")
        #expect(ready.message.contains(Samples.roleName))
        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.events().last.map { [$0.reason, $0.type?.rawValue] } == ["Deleting", "Normal"])

        // Nothing left to do: another pass writes nothing.
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.kubernetes.writeCalls.isEmpty)
        #expect(harness.iam.calls.isEmpty)
    }

    /// An IAM failure that blocks cleanup, and what its report must name.
    struct CleanupFailure: Sendable, CustomTestStringConvertible {
        var action: String
        var code: String
        var text: String
        var status: Int
        var named: [String]
        var testDescription: String { "\(code) on \(action)" }
    }

    /// Every AWS failure during cleanup is retried with backoff (throttling too, as anywhere else)
    /// and reported as `DeletionBlocked` naming what blocks.
    @Test(arguments: [
        CleanupFailure(
            action: "DeleteRole", code: "AccessDenied", text: "not authorized to perform iam:DeleteRole", status: 403,
            named: ["AccessDenied", "iam:DeleteRole"]),
        CleanupFailure(
            action: "DetachRolePolicy", code: "Throttling", text: "Rate exceeded", status: 400,
            named: ["Throttling", "IAM is throttling the operator"]),
    ])
    func blockedCleanupIsReportedAndHoldsTheFinalizerUntilItPasses(_ failure: CleanupFailure) async throws {
        let harness = try await Self.converged()
        harness.iam.failAlways(failure.action, with: InMemoryIAM.error(failure.code, failure.text, status: failure.status))

        try await harness.delete()
        let result = await harness.reconcile()

        guard case .transientError(let message) = result else {
            Issue.record("expected a retry with backoff, got \(result)")
            return
        }
        #expect(message.contains(failure.code))
        let resource = try #require(harness.resource(), "the finalizer holds the resource")
        #expect(resource.metadata.finalizers == ["trustline.dev/cleanup"])
        let ready = try #require(resource.status?.condition(.ready))
        #expect(ready.status == .false)
        #expect(ready.reason == "DeletionBlocked")
        for fragment in failure.named {
            #expect(ready.message.contains(fragment), "\(ready.message)")
        }
        #expect(harness.events().map(\.reason) == ["Converged", "Deleting", "DeletionBlocked"])
        #expect(harness.events().last?.type == .warning)

        harness.iam.stopFailing(failure.action)
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.resource() == nil)
    }

    @Test func roleAlreadyGoneCountsAsDone() async throws {
        let harness = try await Self.converged()
        harness.iam.mutateRole(Samples.roleName) { role in
            role.inlinePolicies = [:]
            role.attachedPolicies = []
        }
        // Someone else deleted it between our observation and our DeleteRole.
        harness.iam.beforeNext("DeleteRole") { iam in iam.removeRole(Samples.roleName) }

        try await harness.delete()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.calls("DeleteRole").count == 1)
        #expect(harness.resource() == nil)
    }

    @Test(arguments: [
        WorkloadAwsAccessSpec(managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"]),
        WorkloadAwsAccessSpec(role: RoleSpec(name: "not a valid role name!")),
    ])
    func deletingAResourceThatNeverValidatedMakesNoIAMCall(_ spec: WorkloadAwsAccessSpec) async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(spec: spec))
        _ = await harness.reconcile()
        #expect(harness.resource()?.metadata.finalizers == ["trustline.dev/cleanup"])

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        #expect(harness.resource() == nil)
        #expect(harness.iam.calls.isEmpty, "\(harness.iam.actionNames)")
    }
}
