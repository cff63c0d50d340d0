import AWSClients
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline plan --live`: observes IAM read-only and lists the calls a reconcile would make.
struct AccessPlanningLiveTests {
    static let settings = OperatorSettings(clusterName: "prod", oidcIssuer: ReconcilerHarness.issuer, awsAccountId: "123456789012")

    /// The plan of `resource` as a manifest (no uid), or, with `uid`, as the operator renders
    /// the stored resource.
    static func planned(_ resource: WorkloadAwsAccess = Samples.myApp(), uid: String? = nil) async throws -> PlannedAccess {
        let context = try await AccessPlanning.renderingContext(settings: settings, aws: nil, kubernetes: nil, region: nil).context
        var manifest = resource
        manifest.metadata.uid = uid
        return AccessPlanning.evaluate(manifest, source: "app.yaml", settings: settings, context: context)
    }

    @Test func anAbsentRolePlansItsCreationWithoutWriting() async throws {
        let iam = InMemoryIAM()
        let live = try #require(await AccessPlanning.observeLive(try await Self.planned(), iam: iam, settings: Self.settings).live)
        #expect(live.ownership == "absent")
        #expect(live.calls.first?.apiName == "CreateRole")
        #expect(live.calls.map(\.apiName).contains("PutRolePolicy"))
        #expect(live.calls.map(\.apiName).contains("AttachRolePolicy"))
        #expect(!iam.calls.isEmpty, "IAM was read")
        #expect(iam.writeCalls.isEmpty, "plan --live never writes: \(iam.actionNames)")
    }

    @Test func aRoleMadeOutsideTrustlineIsAConflictWithNoCalls() async throws {
        let iam = InMemoryIAM()
        iam.seedRole(name: Samples.roleName, path: "/trustline/", trustPolicy: #"{"Version":"2012-10-17","Statement":[]}"#)
        let live = try #require(await AccessPlanning.observeLive(try await Self.planned(), iam: iam, settings: Self.settings).live)
        #expect(live.ownership == "foreign")
        #expect(live.message?.hasPrefix("RoleConflict") == true)
        #expect(live.calls.isEmpty)
        #expect(iam.writeCalls.isEmpty)
    }

    @Test func aRoleTheOperatorMadeForTheResourceNeedsNoCall() async throws {
        let iam = InMemoryIAM()
        iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath)
        // What the operator did for the stored resource (which has a uid)...
        let first = try #require(await AccessPlanning.observeLive(try await Self.planned(uid: "0b7f2c1e-uid"), iam: iam, settings: Self.settings).live)
        let executor = IAMActionExecutor(iam: iam)
        for call in first.calls { try await executor.perform(call) }

        // ...is what the manifest (no uid) plans to: the uid tag is not reported as a change.
        let planned = await AccessPlanning.observeLive(try await Self.planned(), iam: iam, settings: Self.settings)
        let second = try #require(planned.live)
        #expect(planned.rendered?.owner.uid == "0b7f2c1e-uid")
        #expect(second.ownership == "owned")
        #expect(second.calls.isEmpty, "\(second.calls.map(\.apiName))")
        #expect(second.message == "IAM already matches: no write call")
    }

    /// `plan --live` decides ownership as a reconcile does: an untagged role named by
    /// `spec.role.name` and matching `adoptableRoleNames` is adopted in place (no CreateRole, its
    /// own path kept, the EC2 trust replaced, our tags added), and without the glob it is a conflict.
    @Test func anUntaggedRoleMatchingAdoptableRoleNamesPlansAnAdoptionInPlace() async throws {
        let iam = InMemoryIAM()
        iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath)
        let ec2Trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        iam.seedRole(name: "legacy-my-app", path: "/eksctl/", trustPolicy: ec2Trust)
        let resource = Samples.myApp(spec: WorkloadAwsAccessSpec(role: RoleSpec(name: "legacy-my-app")))
        var adopting = Self.settings
        adopting.adoptableRoleNames = ["legacy-*"]
        let context = try await AccessPlanning.renderingContext(settings: adopting, aws: nil, kubernetes: nil, region: nil).context
        let planned = AccessPlanning.evaluate(resource, source: "app.yaml", settings: adopting, context: context)
        let live = try #require(await AccessPlanning.observeLive(planned, iam: iam, settings: adopting).live)
        #expect(live.ownership == "adoptable")
        #expect(live.message?.contains("adoptableRoleNames") == true)
        let names = live.calls.map(\.apiName)
        #expect(!names.contains("CreateRole") && !names.contains("DeleteRole"), "\(names)")
        #expect(names.contains("UpdateAssumeRolePolicy"))
        #expect(names.contains("TagRole"))
        #expect(iam.writeCalls.isEmpty)

        let refused = AccessPlanning.evaluate(resource, source: "app.yaml", settings: Self.settings, context: context)
        let conflict = try #require(await AccessPlanning.observeLive(refused, iam: iam, settings: Self.settings).live)
        #expect(conflict.ownership == "foreign")
        #expect(conflict.calls.isEmpty)
    }

    @Test func aFailedReadIsReportedNotThrown() async throws {
        let iam = InMemoryIAM()
        iam.failAlways("GetRole", with: InMemoryIAM.error("AccessDenied", "not authorized to perform iam:GetRole", status: 403))
        let live = try #require(await AccessPlanning.observeLive(try await Self.planned(), iam: iam, settings: Self.settings).live)
        #expect(live.ownership == "error")
        #expect(live.message?.contains("GetRole") == true)
        #expect(live.calls.isEmpty)
    }

    @Test func aRefusedResourceIsNotObserved() async throws {
        let iam = InMemoryIAM()
        let refused = try await Self.planned(Samples.myApp(spec: WorkloadAwsAccessSpec(managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"])))
        #expect(refused.isRefused)
        let observed = await AccessPlanning.observeLive(refused, iam: iam, settings: Self.settings)
        #expect(observed.live == nil)
        #expect(iam.calls.isEmpty)
    }
}
