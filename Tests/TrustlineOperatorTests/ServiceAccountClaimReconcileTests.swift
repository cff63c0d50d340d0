import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 12 through the reconciler: one role per ServiceAccount (the claim rule read from the
/// cache) and adoption by name (`adoptableRoleNames`), against the in-memory API server and IAM.
@Suite struct ServiceAccountClaimReconcileTests {
    static func claim(_ name: String) -> WorkloadAwsAccess {
        var resource = Samples.myApp(name: name)
        resource.spec.serviceAccount = ServiceAccountSpec(name: "shared", create: false)
        return resource
    }

    /// The in-memory API server gives every object the same creationTimestamp, so the name
    /// decides here: "a-older" wins over "b-younger".
    @Test func theLoserWritesNothingAndTakesOverWhenTheWinnerGoes() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "shared", namespace: "production")))
        try harness.apply(Self.claim("a-older"))
        try harness.apply(Self.claim("b-younger"))

        // The younger is reconciled first: it must not write, although the annotation is empty.
        #expect(await harness.reconcile("production", "b-younger") == .requeue(after: .seconds(30)))
        #expect(harness.serviceAccount("production", "shared")?.metadata.annotations == nil)
        let loser = try #require(harness.resource("production", "b-younger")?.status)
        ConditionExpectation.blocked(at: .serviceAccount, .serviceAccountConflict).check(loser)
        #expect(loser.condition(.ready)?.message.contains("WorkloadAwsAccess a-older") == true)
        #expect(harness.events("production", "b-younger").map(\.reason) == ["ServiceAccountConflict"])

        #expect(await harness.reconcile("production", "a-older") == .done)
        let winnerArn = try #require(harness.resource("production", "a-older")?.status?.roleArn)
        let annotated = try #require(harness.serviceAccount("production", "shared"))
        #expect(annotated.metadata.annotations?["eks.amazonaws.com/role-arn"] == winnerArn)

        // Resyncs: no ServiceAccount write, no status write, no new event from the loser.
        harness.resetCalls()
        for _ in 0..<3 {
            _ = await harness.reconcile("production", "b-younger")
            _ = await harness.reconcile("production", "a-older")
        }
        let writes = harness.kubernetes.calls.filter { $0.isWrite && $0.kind != "Event" }
        #expect(writes.isEmpty, "writes during resync: \(writes)")
        #expect(harness.serviceAccount("production", "shared")?.metadata.resourceVersion == annotated.metadata.resourceVersion)
        #expect(harness.events("production", "b-younger").count == 1)

        // Deleting the loser leaves the winner's annotation alone.
        try harness.apply(Self.claim("c-youngest"))
        _ = await harness.reconcile("production", "c-youngest")
        try await harness.delete("production", "c-youngest")
        _ = await harness.reconcile("production", "c-youngest")
        #expect(harness.serviceAccount("production", "shared")?.metadata.annotations?["eks.amazonaws.com/role-arn"] == winnerArn)

        // The winner goes: its cleanup removes its annotation, and the next claim writes its own.
        try await harness.delete("production", "a-older")
        _ = await harness.reconcile("production", "a-older")
        #expect(harness.serviceAccount("production", "shared")?.metadata.annotations?["eks.amazonaws.com/role-arn"] == nil)
        #expect(await harness.reconcile("production", "b-younger") == .done)
        let takenOver = try #require(harness.resource("production", "b-younger")?.status)
        ConditionExpectation.converged.check(takenOver)
        #expect(harness.serviceAccount("production", "shared")?.metadata.annotations?["eks.amazonaws.com/role-arn"] == takenOver.roleArn)
    }

    @Test func anAdoptedRoleKeepsItsPathAndIsNeverRecreated() async throws {
        let settings = OperatorSettings(clusterName: "prod")
        var adopting = settings
        adopting.adoptableRoleNames = ["legacy-${namespace}-*"]
        let harness = ReconcilerHarness(settings: adopting)
        harness.iam.seedRole(
            name: "legacy-production-my-app", path: "/", trustPolicy: OwnershipTests.foreignTrust,
            inlinePolicies: ["theirs": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#])
        let before = try #require(harness.iam.role("legacy-production-my-app"))
        var resource = Samples.myApp()
        resource.spec.role.name = "legacy-production-my-app"
        try harness.apply(resource)

        #expect(await harness.reconcile() == .done)
        let after = try #require(harness.iam.role("legacy-production-my-app"))
        #expect(after.roleId == before.roleId && after.path == "/" && after.arn == before.arn)
        #expect(Set(after.inlinePolicies.keys) == ["s3-access"])
        let writes = harness.iam.writeCalls.map(\.action)
        #expect(!writes.contains("CreateRole") && !writes.contains("DeleteRole"))
        let detach = try #require(writes.firstIndex(of: "DeleteRolePolicy"))
        let trust = try #require(writes.firstIndex(of: "UpdateAssumeRolePolicy"))
        #expect(detach < trust, "permissions removed before the trust changes: \(writes)")
        #expect(writes.last == "TagRole", "the ownership tags come last: \(writes)")
        #expect(harness.resource()?.status?.roleArn == before.arn)
        #expect(harness.serviceAccount()?.metadata.annotations?["eks.amazonaws.com/role-arn"] == before.arn)
        let adopted = try #require(harness.events().first { $0.reason == "AdoptedRole" })
        #expect(adopted.note?.contains("trust statements removed") == true)

        // A resync: the role is ours now (tags), keeps its path, and nothing is written.
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.writeCalls.isEmpty, "\(harness.iam.writeCalls)")
        #expect(harness.events().filter { $0.reason == "AdoptedRole" }.count == 1)
    }

    @Test func withoutAMatchingGlobAnUntaggedRoleStaysSomeoneElses() async throws {
        var settings = OperatorSettings(clusterName: "prod")
        settings.adoptableRoleNames = ["legacy-${namespace}-*"]
        let harness = ReconcilerHarness(settings: settings)
        harness.iam.seedRole(name: "legacy-staging-my-app", path: "/", trustPolicy: OwnershipTests.foreignTrust)
        let before = try #require(harness.iam.role("legacy-staging-my-app"))
        var resource = Samples.myApp()
        resource.spec.role.name = "legacy-staging-my-app"
        try harness.apply(resource)

        #expect(await harness.reconcile() == .requeue(after: .seconds(30)))
        ConditionExpectation.blocked(at: .role, .roleConflict).check(harness.resource()?.status)
        #expect(harness.iam.role("legacy-staging-my-app") == before)
        #expect(harness.iam.writeCalls.isEmpty)
    }
}
