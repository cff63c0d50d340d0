import AWSClients
import ControllerRuntime
import Foundation
import KubeClient
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 11 item 2: access a user took away goes away. Renames faster than status (here: status
/// writes that fail) leave no role behind, deletion removes every role tagged for the resource,
/// and a steady state never lists roles.
@Suite struct RoleRetirementTests {
    static let staleStatus = InMemoryKubernetes.conflict(WorkloadAwsAccess.descriptor, "my-app", "stale")

    /// Renames the role to each of `names` in turn; every reconcile but the last loses its status
    /// write, as a rename landing during the reconcile makes it do.
    static func renameQuickly(_ harness: ReconcilerHarness, through names: [String]) async throws {
        for (index, name) in names.enumerated() {
            try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") { $0.spec.role.name = name }
            if index < names.count - 1 {
                harness.kubernetes.fail("update", kind: "WorkloadAwsAccess", with: staleStatus)
                guard case .transientError = await harness.reconcile() else {
                    Issue.record("the status write was made to fail")
                    return
                }
            } else {
                #expect(await harness.reconcile() == .done)
            }
        }
    }

    /// Applies the sample and reconciles it once with its status write failing; false (and an
    /// issue recorded) when the reconcile did not fail as arranged.
    static func applyLosingTheFirstStatusWrite(_ harness: ReconcilerHarness) async throws -> Bool {
        try harness.apply(Samples.myApp())
        harness.kubernetes.fail("update", kind: "WorkloadAwsAccess", with: staleStatus)
        guard case .transientError = await harness.reconcile() else {
            Issue.record("the status write was made to fail")
            return false
        }
        return true
    }

    /// Seeds roles under the role path tagged for my-app that status never named (as CreateRoles
    /// that timed out and landed later would leave), with the trust policy of role `trustOf`.
    static func seedRolesLandedLate(
        _ harness: ReconcilerHarness, named names: [String], trustOf current: String, inlinePolicies: [String: String] = [:]
    ) throws {
        let uid = try #require(harness.resource()?.metadata.uid)
        let trust = try #require(harness.iam.role(current)).trustPolicy
        let tags = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: uid)
        for name in names {
            harness.iam.seedRole(
                name: name, path: "/trustline/", trustPolicy: trust, tags: tags.map { IAMTag(key: $0.key, value: $0.value) },
                inlinePolicies: inlinePolicies, createDate: Date())
        }
    }

    @Test func quickRenamesLeaveOnlyTheCurrentRole() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)

        try await Self.renameQuickly(harness, through: ["role-b", "role-c", "role-d", "role-e"])

        #expect(harness.iam.roleNames == ["role-e"])
        #expect(harness.resource()?.status?.roleName == "role-e")
        let replaced = harness.events().filter { $0.reason == "RoleReplaced" }.compactMap(\.note)
        #expect(replaced.contains { $0.contains("role-b") } && replaced.contains { $0.contains("role-d") })
    }

    @Test func renamesBeforeAnyStatusWriteLeaveOnlyTheCurrentRole() async throws {
        let harness = ReconcilerHarness()
        guard try await Self.applyLosingTheFirstStatusWrite(harness) else { return }
        #expect(harness.resource()?.status?.roleName == nil)

        try await Self.renameQuickly(harness, through: ["role-b"])

        #expect(harness.iam.roleNames == ["role-b"])
    }

    /// Found by the fault run (README, "Fault run"): with 500 resources, every retry of a resource
    /// whose status write had failed listed all roles and their tags (~400 ListRoleTags each).
    @Test func aLostStatusWriteAtGenerationOneListsNoRoles() async throws {
        let harness = ReconcilerHarness()
        guard try await Self.applyLosingTheFirstStatusWrite(harness) else { return }
        #expect(harness.resource()?.metadata.generation == 1)
        harness.resetCalls()

        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.calls("ListRoles").isEmpty)
        #expect(harness.iam.roleNames.count == 1)
        #expect(harness.resource()?.status?.roleName != nil)
    }

    @Test func aSteadyStateListsNoRoles() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        harness.resetCalls()

        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.calls("ListRoles").isEmpty)
        #expect(harness.iam.writeCalls.isEmpty)
    }

    @Test func retirementLeavesRolesOfOtherUidsClustersAndUntaggedOnesAlone() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        let uid = try #require(harness.resource()?.metadata.uid)
        let trust = try #require(harness.iam.role(Samples.roleName)).trustPolicy
        let ours = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: uid)
        var otherUid = ours
        otherUid[OwnershipTags.uid] = "uid-of-an-earlier-resource"
        var otherCluster = ours
        otherCluster[OwnershipTags.cluster] = "staging"
        for (name, tags) in [("earlier", otherUid), ("staging-copy", otherCluster), ("untagged", [:])] {
            harness.iam.seedRole(name: name, path: "/trustline/", trustPolicy: trust, tags: tags.map { IAMTag(key: $0.key, value: $0.value) }, createDate: Date())
        }

        try await Self.renameQuickly(harness, through: ["role-b"])

        #expect(harness.iam.roleNames == ["earlier", "role-b", "staging-copy", "untagged"])
    }

    @Test func deletionRemovesEveryRoleTaggedForTheResource() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        try await Self.renameQuickly(harness, through: ["role-b"])
        // A CreateRole that timed out and landed later: tagged for this resource, named nowhere.
        try Self.seedRolesLandedLate(harness, named: ["landed-late"], trustOf: "role-b", inlinePolicies: ["s3-access": "{}"])

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.resource() == nil)
    }

    /// Found by the fault run (README, "Fault run"): deleting N resources listed every role and its
    /// tags once per resource, O(N^2) reads. A resource whose spec never changed had one name.
    @Test func deletingAResourceAtGenerationOneListsNoRoles() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        #expect(harness.resource()?.metadata.generation == 1)
        harness.resetCalls()

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.resource() == nil)
        #expect(harness.iam.calls("GetAccountAuthorizationDetails").isEmpty && harness.iam.calls("ListRoles").isEmpty)
    }

    /// The listing reads authorization-details pages (a call per page, not a ListRoleTags per
    /// role); where that call is denied it falls back to ListRoles and ListRoleTags, and finds the
    /// same roles.
    @Test(arguments: [false, true])
    func renamedResourceDeletionFindsLateRolesWithOrWithoutTheDetailsCall(denied: Bool) async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        try await Self.renameQuickly(harness, through: ["role-b"])
        try Self.seedRolesLandedLate(harness, named: (0..<5).map { "landed-late-\($0)" }, trustOf: "role-b")
        if denied {
            harness.iam.failAlways(
                "GetAccountAuthorizationDetails",
                with: .service(AWSError(code: "AccessDenied", message: "not authorized", httpStatus: 403)))
        }
        harness.resetCalls()

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.iam.calls("ListRoles").count == (denied ? 1 : 0))
        #expect(harness.iam.calls("GetAccountAuthorizationDetails").count == 1)
    }

    @Test func retainKeepsAndMarksTheCurrentRoleAndDeletesEarlierNames() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.deletionPolicy = .retain
        try harness.apply(resource)
        #expect(await harness.reconcile() == .done)
        try await Self.renameQuickly(harness, through: ["role-b", "role-c"])
        #expect(harness.iam.roleNames == ["role-c"])
        // An earlier name left behind (as a late CreateRole would).
        let uid = try #require(harness.resource()?.metadata.uid)
        let kept = try #require(harness.iam.role("role-c"))
        let tags = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: uid)
        harness.iam.seedRole(
            name: "role-b", path: "/trustline/", trustPolicy: kept.trustPolicy, tags: tags.map { IAMTag(key: $0.key, value: $0.value) },
            createDate: Date())
        harness.resetCalls()

        try await harness.delete()
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.roleNames == ["role-c"])
        let after = try #require(harness.iam.role("role-c"))
        #expect(after.tags.contains(IAMTag(key: OwnershipTags.retained, value: "true")))
        #expect(after.inlinePolicies == kept.inlinePolicies && after.trustPolicy == kept.trustPolicy)
        let writesOnKept = harness.iam.writeCalls.filter { $0.roleName?.lowercased() == "role-c" }.map(\.action)
        #expect(writesOnKept == ["TagRole"])
    }
}
