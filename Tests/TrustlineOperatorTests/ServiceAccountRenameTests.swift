import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 11 item 5: a ServiceAccount the resource no longer names does not keep our annotations.
@Suite struct ServiceAccountRenameTests {
    @Test func renamingAwayFromAnAnnotatedServiceAccountRemovesOnlyOurAnnotations() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(
            name: "my-app", namespace: "production", annotations: ["owner": "team-a"])))
        var resource = Samples.myApp()
        resource.spec.stsRegionalEndpoints = true
        try harness.apply(resource)
        #expect(await harness.reconcile() == .done)
        #expect(harness.serviceAccount()?.metadata.annotations?[ServiceAccountAnnotations.roleArn] == Samples.roleArn)

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.serviceAccount.name = "my-app-v2"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.serviceAccount()?.metadata.annotations == ["owner": "team-a"])
        #expect(harness.serviceAccount("production", "my-app-v2")?.metadata.annotations?[ServiceAccountAnnotations.roleArn] == Samples.roleArn)
        #expect(harness.resource()?.status?.serviceAccountName == "my-app-v2")

        // And deleting the resource leaves the old one as it is now.
        try await harness.delete()
        #expect(await harness.reconcile() == .done)
        #expect(harness.serviceAccount()?.metadata.annotations == ["owner": "team-a"])
    }

    @Test func renamingAwayFromAServiceAccountWeCreatedDeletesIt() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        #expect(harness.serviceAccount() != nil)

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.serviceAccount.name = "my-app-v2"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.serviceAccount() == nil)
        #expect(harness.serviceAccount("production", "my-app-v2") != nil)
    }

    @Test func anotherResourcesAnnotationsOnTheOldServiceAccountStay() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "shared", namespace: "production")))
        var resource = Samples.myApp()
        resource.spec.serviceAccount = ServiceAccountSpec(name: "shared", create: false)
        resource.spec.stsRegionalEndpoints = true
        try harness.apply(resource)
        #expect(await harness.reconcile() == .done)
        // Someone points the ServiceAccount at another role meanwhile, keeping the shared value.
        let foreign = "arn:aws:iam::123456789012:role/someone-else"
        try harness.kubernetes.edit(ServiceAccount.self, namespace: "production", name: "shared") {
            $0.metadata.annotations?[ServiceAccountAnnotations.roleArn] = foreign
        }

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.serviceAccount = ServiceAccountSpec(name: "my-app", create: true)
        }
        #expect(await harness.reconcile() == .done)

        let shared = try #require(harness.serviceAccount("production", "shared"))
        #expect(shared.metadata.annotations == [
            ServiceAccountAnnotations.roleArn: foreign, ServiceAccountAnnotations.stsRegionalEndpoints: "true",
        ])
    }
}
