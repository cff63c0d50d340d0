import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Step 1: a refused spec ends in InvalidSpec or GuardrailViolation with a Warning event naming
/// the field, and no AWS call at all.
@Suite struct ValidationTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var reason: ConditionReason
        var field: String
        var change: @Sendable (inout WorkloadAwsAccess) -> Void
    }

    static let cases: [Case] = [
        Case(description: "session duration out of bounds", reason: .invalidSpec, field: "spec.role.maxSessionDurationSeconds") {
            $0.spec.role.maxSessionDurationSeconds = 60
        },
        Case(description: "reserved tag key", reason: .invalidSpec, field: "spec.role.tags[trustline.dev/uid]") {
            $0.spec.role.tags["trustline.dev/uid"] = "forged"
        },
        Case(description: "bad deletion policy", reason: .invalidSpec, field: "spec.deletionPolicy") {
            $0.spec.deletionPolicy = DeletionPolicy(rawValue: "Orphan")
        },
        Case(description: "denied action", reason: .guardrailViolation, field: "spec.inlinePolicies[0].document") {
            $0.spec.inlinePolicies = [InlinePolicy(name: "escalate", document: [
                "Version": "2012-10-17",
                "Statement": [["Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"]],
            ])]
        },
        Case(description: "denied managed policy", reason: .guardrailViolation, field: "spec.managedPolicyArns[0]") {
            $0.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        },
        Case(description: "oversize inline policies", reason: .guardrailViolation, field: "spec.inlinePolicies") {
            let resources: [JSONValue] = (0..<400).map { .string("arn:aws:s3:::bucket-number-\($0)/*") }
            $0.spec.inlinePolicies = [InlinePolicy(name: "huge", document: [
                "Version": "2012-10-17",
                "Statement": [["Effect": "Allow", "Action": "s3:GetObject", "Resource": .array(resources)]],
            ])]
        },
        Case(description: "role name squatting the derived namespace", reason: .guardrailViolation, field: "spec.role.name") {
            $0.spec.role.name = "prod.other-team.their-app"
        },
    ]

    @Test(arguments: cases)
    func refusedSpecReportsTheReasonAndMakesNoAWSCall(_ testCase: Case) async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        testCase.change(&resource)
        try harness.apply(resource)

        let result = await harness.reconcile()

        let status = try #require(harness.resource()?.status)
        let ready = try #require(status.condition(.ready))
        #expect(result == .terminalError(ready.message))
        ConditionExpectation.blocked(at: .spec, testCase.reason).check(status)
        #expect(ready.message.contains(testCase.field), "message names the field: \(ready.message)")
        #expect(harness.iam.calls.isEmpty, "no AWS call at all: \(harness.iam.actionNames)")
        #expect(harness.serviceAccount() == nil)
        let events = harness.events()
        #expect(events.map(\.reason) == [testCase.reason.rawValue])
        #expect(events.first?.type == .warning)
        #expect(events.first?.note?.contains(testCase.field) == true)
    }

    @Test func repeatedRejectionWritesNothingNew() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        try harness.apply(resource)
        _ = await harness.reconcile()
        harness.resetCalls()
        harness.clock.advance(seconds: 600)

        _ = await harness.reconcile()

        #expect(harness.kubernetes.writeCalls.isEmpty)
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.events().count == 1)
    }

    @Test func fixingTheSpecConvergesAndFlipsReady() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        try harness.apply(resource)
        _ = await harness.reconcile()
        let refusedAt = try #require(harness.resource()?.status?.condition(.ready)?.lastTransitionTime)
        harness.clock.advance(seconds: 3600)

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.managedPolicyArns = [Samples.s3ReadOnly]
        }
        #expect(await harness.reconcile() == .done)

        let status = try #require(harness.resource()?.status)
        ConditionExpectation.converged.check(status)
        #expect(status.observedGeneration == 2)
        #expect(status.condition(.ready)?.lastTransitionTime != refusedAt)
        #expect(harness.events().map(\.reason) == ["GuardrailViolation", "Converged"])
    }
}
