import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Step 4: a role that is not this resource's is reported as RoleConflict and never written or
/// deleted; `adoptionPolicy: TaggedOnly` adopts a role tagged for this resource with an old uid.
/// A new resource sends CreateRole without observing first: IAM refuses it with
/// EntityAlreadyExists when the role exists, and only then is the role observed and its
/// ownership checked, so the one IAM write call these tests see is that refused CreateRole.
@Suite struct OwnershipTests {
    static let foreignTrust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#

    /// A role of the derived name made outside Trustline.
    static func seedForeignRole(_ iam: InMemoryIAM, tags: [IAMTag] = [IAMTag(key: "owner", value: "someone-else")]) {
        iam.seedRole(
            name: Samples.roleName, path: "/trustline/", trustPolicy: foreignTrust, tags: tags,
            inlinePolicies: ["theirs": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#],
            attachedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    }

    @Test func foreignRoleIsAConflictAndLeftByteForByteUntouched() async throws {
        let harness = ReconcilerHarness()
        Self.seedForeignRole(harness.iam)
        let before = try #require(harness.iam.role(Samples.roleName))
        try harness.apply(Samples.myApp())

        let result = await harness.reconcile()

        #expect(result == .requeue(after: .seconds(30)))
        #expect(harness.iam.role(Samples.roleName) == before)
        #expect(harness.iam.writeCalls == [.init(action: "CreateRole", roleName: Samples.roleName)], "only the refused CreateRole")
        #expect(harness.iam.actionNames.filter { !$0.contains("OpenIDConnectProvider") } == InMemoryIAM.managedPolicyReads + [
            "CreateRole", "GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "ListRoleTags",
        ])
        let status = try #require(harness.resource()?.status)
        ConditionExpectation.blocked(at: .role, .roleConflict).check(status)
        #expect(status.roleArn == nil)
        #expect(status.condition(.ready)?.message.contains("ownership tags") == true)
        #expect(harness.events().map(\.reason) == ["RoleConflict"])
        #expect(harness.events().first?.type == .warning)
        #expect(harness.serviceAccount() == nil, "no ServiceAccount is annotated with someone else's role")
    }

    @Test func foreignRoleIsNotDeletedWhenTheResourceIsAndDoesNotHoldTheFinalizer() async throws {
        let harness = ReconcilerHarness()
        Self.seedForeignRole(harness.iam)
        let before = try #require(harness.iam.role(Samples.roleName))
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()

        try await harness.delete()
        let result = await harness.reconcile()

        #expect(result == .done)
        #expect(harness.resource() == nil, "finalizer removed, resource gone")
        #expect(harness.iam.role(Samples.roleName) == before)
        #expect(harness.iam.writeCalls.map(\.action) == ["CreateRole"], "only the first reconcile's refused CreateRole")
    }

    @Test(arguments: [AdoptionPolicy.never, .taggedOnly])
    func roleTaggedForAnEarlierResourceOfTheSameName(_ policy: AdoptionPolicy) async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(clusterName: "prod", adoptionPolicy: policy))
        let ownership = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-of-an-old-resource")
        Self.seedForeignRole(harness.iam, tags: ownership.map { IAMTag(key: $0.key, value: $0.value) })
        let before = try #require(harness.iam.role(Samples.roleName))
        let resource = try harness.apply(Samples.myApp())

        let result = await harness.reconcile()

        switch policy {
        case .never:
            #expect(result == .requeue(after: .seconds(30)))
            ConditionExpectation.blocked(at: .role, .roleConflict).check(harness.resource()?.status)
            #expect(harness.resource()?.status?.condition(.ready)?.message.contains("TaggedOnly") == true)
            #expect(harness.iam.role(Samples.roleName) == before)
            #expect(harness.iam.writeCalls.map(\.action) == ["CreateRole"], "only the refused CreateRole")
        case .taggedOnly:
            #expect(result == .done)
            ConditionExpectation.converged.check(harness.resource()?.status)
            let role = try #require(harness.iam.role(Samples.roleName))
            #expect(role.tags.first { $0.key == OwnershipTags.uid }?.value == resource.metadata.uid)
            #expect(Set(role.inlinePolicies.keys) == ["s3-access"])
            #expect(role.attachedPolicies == [Samples.s3ReadOnly])
            #expect(PolicyCanonicalizer.equivalent(
                try PolicyCanonicalizer.parse(role.trustPolicy),
                TrustPolicy.document(for: try #require(harness.resource()), context: harness.reconciler.context)))
        }
    }

    @Test func roleOfAnotherResourceIsNeverAdopted() async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(clusterName: "prod", adoptionPolicy: .taggedOnly))
        let ownership = OwnershipTags.tags(clusterName: "prod", namespace: "other", name: "their-app", uid: "uid-x")
        Self.seedForeignRole(harness.iam, tags: ownership.map { IAMTag(key: $0.key, value: $0.value) })
        let before = try #require(harness.iam.role(Samples.roleName))
        try harness.apply(Samples.myApp())

        _ = await harness.reconcile()

        ConditionExpectation.blocked(at: .role, .roleConflict).check(harness.resource()?.status)
        #expect(harness.iam.role(Samples.roleName) == before)
        #expect(harness.iam.writeCalls.map(\.action) == ["CreateRole"], "only the refused CreateRole")
    }
}
