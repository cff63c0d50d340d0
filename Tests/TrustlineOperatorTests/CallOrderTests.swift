import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The reconciler's IAM calls in the order that never grants more than before or after, and
/// never more calls than needed: adoption removes permissions before it opens trust and stops at
/// the first failed call; a role named explicitly is observed before anything is written.
@Suite struct CallOrderTests {
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    /// A role tagged for an earlier resource of the same name, with someone else's trust and
    /// AdministratorAccess attached: TaggedOnly adopts it.
    static func seedAdoptableRole(_ iam: InMemoryIAM) {
        let ownership = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-of-an-old-resource")
        iam.seedRole(
            name: Samples.roleName, path: "/trustline/", trustPolicy: OwnershipTests.foreignTrust,
            tags: ownership.map { IAMTag(key: $0.key, value: $0.value) }, attachedPolicies: [admin])
    }

    @Test func adoptionKeepsTheOldTrustWhileDetachFails() async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(clusterName: "prod", adoptionPolicy: .taggedOnly))
        Self.seedAdoptableRole(harness.iam)
        try harness.apply(Samples.myApp())
        harness.iam.failAlways("DetachRolePolicy", with: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400))

        for _ in 0..<3 {
            _ = await harness.reconcile()
            let role = try #require(harness.iam.role(Samples.roleName))
            #expect(role.trustPolicy == OwnershipTests.foreignTrust, "trust unchanged while AdministratorAccess is attached")
            #expect(role.attachedPolicies == [Self.admin])
            #expect(harness.iam.calls("UpdateAssumeRolePolicy").isEmpty)
            #expect(harness.iam.calls("PutRolePolicy").isEmpty && harness.iam.calls("AttachRolePolicy").isEmpty,
                    "no call runs after the failed one")
        }
        #expect(harness.iam.calls("DetachRolePolicy").count == 3)

        harness.iam.stopFailing("DetachRolePolicy")
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        let writes = harness.iam.writeCalls.map(\.action)
        #expect(writes.prefix(2) == ["DetachRolePolicy", "UpdateAssumeRolePolicy"])
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(role.attachedPolicies == [Samples.s3ReadOnly])
        #expect(role.trustPolicy != OwnershipTests.foreignTrust)
        ConditionExpectation.converged.check(harness.resource()?.status)
    }

    @Test func explicitRoleNameOfAForeignRoleIsObservedNotCreated() async throws {
        let harness = ReconcilerHarness()
        harness.iam.seedRole(
            name: "shared-role", path: "/trustline/", trustPolicy: OwnershipTests.foreignTrust,
            tags: [IAMTag(key: "owner", value: "someone-else")])
        let before = try #require(harness.iam.role("shared-role"))
        var spec = Samples.myApp().spec
        spec.role.name = "shared-role"
        try harness.apply(Samples.myApp(spec: spec))

        _ = await harness.reconcile()

        #expect(harness.iam.writeCalls.isEmpty, "no refused CreateRole")
        #expect(FirstReconcileTests.roleActions(harness.iam).first == "GetRole")
        #expect(harness.iam.role("shared-role") == before)
        ConditionExpectation.blocked(at: .role, .roleConflict).check(harness.resource()?.status)
    }

    @Test func explicitRoleNameThatIsFreeIsCreatedAfterOneObservation() async throws {
        let harness = ReconcilerHarness()
        var spec = Samples.myApp().spec
        spec.role.name = "my-own-role"
        try harness.apply(Samples.myApp(spec: spec))

        #expect(await harness.reconcile() == .done)

        #expect(FirstReconcileTests.roleActions(harness.iam) == ["GetRole", "CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        ConditionExpectation.converged.check(harness.resource()?.status)
    }
}
