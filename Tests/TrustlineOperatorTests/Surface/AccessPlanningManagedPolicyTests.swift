import AWSClients
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline plan --live` holds managed policies to the guardrails as the reconciler does.
struct AccessPlanningManagedPolicyTests {
    static let codeStar = "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole"

    static func planned(_ arns: [String]) async throws -> PlannedAccess {
        var resource = Samples.myApp()
        resource.spec.managedPolicyArns = arns
        return try await AccessPlanningLiveTests.planned(resource)
    }

    @Test func aPolicyGrantingADeniedActionIsRefusedWithExitStatusOne() async throws {
        let iam = InMemoryIAM()
        let offline = try await Self.planned([Samples.s3ReadOnly, Self.codeStar])
        #expect(!offline.isRefused, "offline, the ARN alone passes")

        let planned = await AccessPlanning.observeLive(offline, iam: iam, settings: AccessPlanningLiveTests.settings)

        #expect(planned.reason == "GuardrailViolation")
        #expect(planned.violations.map(\.field) == ["spec.managedPolicyArns[1]"])
        #expect(planned.violations.first?.message.hasPrefix("\(Self.codeStar) grants ") == true)
        #expect(planned.violations.first?.message.contains("iam:PassRole") == true)
        #expect(planned.rendered == nil)
        #expect(PlanReport.exitStatus(for: [planned]) == 1)
        #expect(PlanReport.text([planned], notes: []).contains("REFUSED: GuardrailViolation"))
        #expect(iam.actionNames.allSatisfy { InMemoryIAM.managedPolicyReads.contains($0) }, "no role read or write: \(iam.actionNames)")
    }

    @Test func anUnreadablePolicyIsReportedAsAFailedRead() async throws {
        let iam = InMemoryIAM()
        iam.failAlways("GetPolicy", with: InMemoryIAM.error("AccessDenied", "not authorized to perform iam:GetPolicy", status: 403))

        let planned = await AccessPlanning.observeLive(try await Self.planned([Samples.s3ReadOnly]), iam: iam, settings: AccessPlanningLiveTests.settings)

        let live = try #require(planned.live)
        #expect(live.ownership == "error")
        #expect(live.message?.contains("spec.managedPolicyArns[0]: IAM GetPolicy on managed policy \(Samples.s3ReadOnly) failed with AccessDenied") == true, "\(live.message ?? "")")
        #expect(live.calls.isEmpty)
        #expect(iam.writeCalls.isEmpty)
    }
}
