import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 11 item 2, the orphan sweep: roles tagged for this cluster whose resource is gone (or
/// names another role now) are deleted after the grace period; nothing else is touched.
@Suite struct OrphanRoleSweepTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let old = now.addingTimeInterval(-3600)

    static func sweep(watchNamespaces: [String] = [], clock: any WallClock = FixedClock(now: now), iam: any IAMAPI = InMemoryIAM()) -> OrphanRoleSweep {
        OrphanRoleSweep(
            iam: iam, clusterName: "prod", watchNamespaces: watchNamespaces,
            gracePeriod: .seconds(600), clock: clock)
    }

    struct FixedClock: WallClock { var now: Date }

    static func owner(cluster: String = "prod", namespace: String = "production", name: String = "my-app", uid: String) -> OwnerIdentity {
        OwnerIdentity(clusterName: cluster, namespace: namespace, name: name, uid: uid)
    }

    static func live(uid: String, roleName: String? = nil, statusRoleName: String? = nil) -> WorkloadAwsAccess {
        var resource = Samples.myApp()
        resource.metadata.uid = uid
        resource.spec.role.name = roleName
        if let statusRoleName { resource.status = WorkloadAwsAccessStatus(roleName: statusRoleName) }
        return resource
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var role: TaggedRole
        var live: [WorkloadAwsAccess] = []
        var watchNamespaces: [String] = []
        var deleted: Bool
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "gone resource, old role", role: TaggedRole(name: "r", createDate: old, owner: owner(uid: "gone"), retained: false), deleted: true),
        Case(label: "gone resource, young role", role: TaggedRole(name: "r", createDate: now.addingTimeInterval(-599), owner: owner(uid: "gone"), retained: false), deleted: false),
        Case(label: "gone resource, exactly the grace period", role: TaggedRole(name: "r", createDate: now.addingTimeInterval(-600), owner: owner(uid: "gone"), retained: false), deleted: true),
        Case(label: "another cluster", role: TaggedRole(name: "r", createDate: old, owner: owner(cluster: "staging", uid: "gone"), retained: false), deleted: false),
        Case(label: "untagged", role: TaggedRole(name: "r", createDate: old, owner: nil, retained: false), deleted: false),
        Case(label: "retained", role: TaggedRole(name: "r", createDate: old, owner: owner(uid: "gone"), retained: true), deleted: false),
        Case(label: "namespace not watched", role: TaggedRole(name: "r", createDate: old, owner: owner(namespace: "other", uid: "gone"), retained: false), watchNamespaces: ["production"], deleted: false),
        Case(label: "watched namespace", role: TaggedRole(name: "r", createDate: old, owner: owner(uid: "gone"), retained: false), watchNamespaces: ["production"], deleted: true),
        Case(label: "live resource's derived role", role: TaggedRole(name: "PROD.production.my-app", createDate: old, owner: owner(uid: "u1"), retained: false), live: [live(uid: "u1")], deleted: false),
        Case(label: "live resource's named role", role: TaggedRole(name: "role-x", createDate: old, owner: owner(uid: "u1"), retained: false), live: [live(uid: "u1", roleName: "role-x")], deleted: false),
        Case(label: "live resource's status role", role: TaggedRole(name: "role-w", createDate: old, owner: owner(uid: "u1"), retained: false), live: [live(uid: "u1", roleName: "role-x", statusRoleName: "role-w")], deleted: false),
        Case(label: "live resource's earlier name", role: TaggedRole(name: "role-v", createDate: old, owner: owner(uid: "u1"), retained: false), live: [live(uid: "u1", roleName: "role-x", statusRoleName: "role-x")], deleted: true),
        Case(label: "uid of a live resource of another name", role: TaggedRole(name: "r", createDate: old, owner: owner(name: "other", uid: "u1"), retained: false), live: [live(uid: "u1")], deleted: false),
    ]

    @Test(arguments: cases)
    func verdict(_ example: Case) {
        var byUid: [String: WorkloadAwsAccess] = [:]
        for resource in example.live { byUid[resource.metadata.uid ?? ""] = resource }
        let verdict = Self.sweep(watchNamespaces: example.watchNamespaces).verdict(for: example.role, live: byUid, now: Self.now)
        if example.deleted {
            #expect(verdict == .delete(example.role.owner ?? Self.owner(uid: "")))
        } else {
            guard case .keep = verdict else {
                Issue.record("expected the role kept, got \(verdict)")
                return
            }
        }
    }

    @Test func aSweepDeletesOnlyOrphansWithTheirPolicies() async throws {
        let iam = InMemoryIAM()
        let trust = #"{"Version":"2012-10-17","Statement":[]}"#
        func seed(_ name: String, _ tags: [String: String], path: String = "/trustline/", created: Date = Self.old, policies: [String: String] = [:]) {
            iam.seedRole(
                name: name, path: path, trustPolicy: trust, tags: tags.map { IAMTag(key: $0.key, value: $0.value) },
                inlinePolicies: policies, createDate: created)
        }
        let orphanTags = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "gone", uid: "uid-gone")
        seed("orphan", orphanTags, policies: ["s3-access": "{}"])
        seed("orphan-young", orphanTags, created: Self.now.addingTimeInterval(-60))
        seed("other-cluster", OwnershipTags.tags(clusterName: "staging", namespace: "production", name: "gone", uid: "uid-gone"))
        seed("untagged", [:])
        seed("outside-the-path", orphanTags, path: "/other/")
        var retained = orphanTags
        retained[OwnershipTags.retained] = "true"
        seed("retained", retained)
        seed("prod.production.my-app", OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: "u1"))

        // The roles under the path come from the drift pass's snapshot, as in the operator.
        let live = [Self.live(uid: "u1")]
        let settings = OperatorSettings(clusterName: "prod")
        let environment = OperatorEnvironment(accountId: iam.accountId, oidcIssuer: ReconcilerHarness.issuer, oidcThumbprints: [])
        let snapshot = try await DriftPass(
            iam: iam, settings: settings, context: environment.renderingContext(settings: settings), memo: ConvergedRoleMemo(), pageSize: 2
        ).run(live: LiveResources(live))
        let report = try await Self.sweep(iam: iam).sweep(roles: snapshot.rolesForSweep, live: LiveResources(live), logger: CapturedLogs().logger())

        #expect(report.deleted == ["orphan"])
        #expect(report.examined == 6)
        #expect(iam.roleNames == ["orphan-young", "other-cluster", "outside-the-path", "prod.production.my-app", "retained", "untagged"])
        #expect(iam.writeCalls.map(\.action) == ["DeleteRolePolicy", "DeleteRole"])
    }
}
