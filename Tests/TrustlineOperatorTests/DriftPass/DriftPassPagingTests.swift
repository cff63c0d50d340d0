import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The bulk drift pass against in-memory IAM with real paging (issue 14 item 1): several pages,
/// a role changed between pages, a role deleted mid-pass, a foreign role under the path.
@Suite struct DriftPassPagingTests {
    static let wildcardTrust = DriftTests.wildcardTrust

    @Test func pagesChangesBetweenPagesDeletionAndAForeignRole() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(5)
        let trust = #"{"Version":"2012-10-17","Statement":[]}"#
        harness.iam.seedRole(name: "a-role-elsewhere", path: "/other/", trustPolicy: trust)
        harness.iam.seedRole(name: "someone-else", path: "/trustline/", trustPolicy: trust, tags: [IAMTag(key: "team", value: "x")])
        // Name order, two a page: [a-role-elsewhere, app-0] [app-1, app-2] [app-3, app-4] [someone-else],
        // until app-4 goes.
        harness.iam.mutateRole(DriftPassHarness.roleName(1)) { $0.trustPolicy = Self.wildcardTrust }
        harness.iam.beforePage(1) { iam in
            // app-0's page was read already; app-2's is next.
            iam.mutateRole(DriftPassHarness.roleName(0)) { $0.tags.removeAll { $0.key == "team" } }
            iam.mutateRole(DriftPassHarness.roleName(2)) { $0.attachedPolicies.append("arn:aws:iam::aws:policy/AdministratorAccess") }
        }
        harness.iam.beforePage(2) { iam in
            iam.removeRole(DriftPassHarness.roleName(4))
        }
        harness.iam.resetCalls()

        let report = try await harness.pass(pageSize: 2)

        // app-4 went before page 2 was read, so someone-else moved up into it: three pages.
        #expect(report.requests == 3)
        #expect(harness.iam.actionNames == Array(repeating: "GetAccountAuthorizationDetails", count: 3))
        #expect(report.compared == 5)
        #expect(Set(report.flagged.keys) == [DriftPassHarness.key(1), DriftPassHarness.key(2), DriftPassHarness.key(4)])
        guard case .drifted(let trustDiff)? = report.flagged[DriftPassHarness.key(1)] else {
            Issue.record("app-1: \(String(describing: report.flagged[DriftPassHarness.key(1)]))")
            return
        }
        #expect(trustDiff.descriptions == ["trust policy"])
        guard case .drifted(let attachedDiff)? = report.flagged[DriftPassHarness.key(2)] else {
            Issue.record("app-2: \(String(describing: report.flagged[DriftPassHarness.key(2)]))")
            return
        }
        #expect(attachedDiff.descriptions == ["extra managed policy arn:aws:iam::aws:policy/AdministratorAccess"])
        #expect(report.flagged[DriftPassHarness.key(4)] == .undecidable(.missingFromSnapshot))
        // Under the path: app-0 to app-3 and the foreign role; the role at /other/ is not kept.
        #expect(report.roles == 5)
        // For the sweep: only the foreign role. app-0 to app-3 are tagged for the converged
        // resources that name them (app-1 and app-2 drifted, but not in their tags), which the
        // sweep would keep.
        #expect(report.rolesForSweep.map(\.name) == ["someone-else"])
        #expect(report.rolesForSweep.first?.owner == nil)

        // Each flagged resource's reconcile observes in full and puts the role back.
        harness.iam.resetCalls()
        await harness.act(on: report)
        #expect(harness.iam.calls("GetRole").map(\.roleName) == [1, 2, 4].map(DriftPassHarness.roleName))
        #expect(Set(harness.iam.writeCalls.map(\.action)) == ["UpdateAssumeRolePolicy", "DetachRolePolicy", "CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        for index in [1, 2] {
            let event = try #require(harness.base.events("production", DriftPassHarness.name(index)).last)
            #expect(event.reason == "DriftCorrected")
        }
        #expect(harness.iam.role("someone-else")?.tags == [IAMTag(key: "team", value: "x")], "a foreign role is never written")

        // The next pass sees the change made to app-0 after its page was read, and nothing else.
        harness.iam.resetCalls()
        let next = try await harness.pass(pageSize: 2)
        #expect(Array(next.flagged.keys) == [DriftPassHarness.key(0)])
        #expect(harness.iam.writeCalls.isEmpty)
        await harness.act(on: next)
        #expect(harness.iam.writeCalls.map(\.action) == ["TagRole"])
        #expect(try await harness.pass(pageSize: 2).flagged.isEmpty)
    }

    @Test func aRoleTheOperatorTouchesDuringThePassIsUndecidable() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(3)
        let memo = harness.memo
        harness.iam.beforePage(1) { _ in
            // A reconcile observes app-0 in full while the pass is between pages.
            _ = memo.beginObservation(DriftPassHarness.key(0))
        }
        let report = try await harness.pass(pageSize: 1)
        #expect(report.requests == 3)
        #expect(report.flagged == [DriftPassHarness.key(0): .undecidable(.changedSinceSnapshotBegan)])
    }

    @Test func resourcesNotConvergedAreLeftToTheirOwnRetries() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(2)
        // app-1 gets a new generation not yet reconciled: it is not the pass's business.
        try harness.base.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: DriftPassHarness.name(1)) {
            $0.spec.role.tags["tier"] = "gold"
        }
        harness.iam.mutateRole(DriftPassHarness.roleName(1)) { $0.trustPolicy = Self.wildcardTrust }
        let report = try await harness.pass(pageSize: 100)
        #expect(report.compared == 1)
        #expect(report.flagged.isEmpty)
    }

    @Test func aThousandConvergedResourcesCostTenCallsAndNoWrite() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(1000)
        harness.iam.resetCalls()
        harness.base.kubernetes.resetCalls()

        let report = try await harness.pass(pageSize: 100)

        #expect(report.requests == 10)
        #expect(harness.iam.calls.count == 10)
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(report.compared == 1000)
        #expect(report.roles == 1000)
        #expect(report.flagged.isEmpty)
        #expect(harness.base.kubernetes.calls.isEmpty)
    }

    @Test func aFailedPageEndsThePassWithTheError() async throws {
        let harness = DriftPassHarness()
        try await harness.converge(3)
        harness.iam.beforePage(1) { iam in
            iam.fail("GetAccountAuthorizationDetails", with: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400))
        }
        await #expect(throws: DriftPass.Failure.self) { try await harness.pass(pageSize: 1) }
    }
}
