import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 11, item 4: managed policies are held to `deniedActions` before any IAM write; one that
/// cannot be read is refused, not trusted; documents are read once per policy version.
@Suite struct ManagedPolicyAdmissionTests {
    static let codeStar = "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole"
    static let customer = "arn:aws:iam::123456789012:policy/team/deployer"
    static let passRoleDocument = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],"Resource":"*"}]}"#

    static func resource(_ arns: [String], name: String = "my-app") -> WorkloadAwsAccess {
        var resource = Samples.myApp(name: name)
        resource.spec.managedPolicyArns = arns
        return resource
    }

    @Test(arguments: [
        (codeStar, "iam:PassRole"),
        (customer, "iam:PassRole"),
    ])
    func aPolicyGrantingADeniedActionIsRefusedWithoutAnIAMWrite(_ arn: String, _ action: String) async throws {
        let harness = ReconcilerHarness()
        harness.iam.putManagedPolicy(Self.customer, document: Self.passRoleDocument)
        try harness.apply(Self.resource([Samples.s3ReadOnly, arn]))

        let result = await harness.reconcile()

        let status = try #require(harness.resource()?.status)
        ConditionExpectation.blocked(at: .spec, .guardrailViolation).check(status)
        let message = try #require(status.condition(.ready)?.message)
        #expect(message.hasPrefix("spec.managedPolicyArns[1]: \(arn) grants "), "\(message)")
        #expect(message.contains(action))
        #expect(message.contains("deniedActions (iam:*)"))
        #expect(result == .requeue(after: .seconds(30)), "looked at again after the blocked-retry interval")
        #expect(harness.iam.writeCalls.isEmpty, "no IAM write: \(harness.iam.actionNames)")
        #expect(Set(harness.iam.actionNames).isSubset(of: ["GetPolicy", "GetPolicyVersion"]), "\(harness.iam.actionNames)")
        #expect(harness.iam.roleNames.isEmpty)
        #expect(harness.serviceAccount() == nil)
        #expect(harness.events().map(\.reason) == ["GuardrailViolation"])
    }

    @Test func aPermittedPolicyConvergesAndIsReadOnce() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Self.resource([Samples.s3ReadOnly]))
        try harness.apply(Self.resource([Samples.s3ReadOnly], name: "other"))

        #expect(await harness.reconcile() == .done)
        #expect(await harness.reconcile("production", "other") == .done)
        #expect(await harness.reconcile() == .done)

        ConditionExpectation.converged.check(harness.resource()?.status)
        ConditionExpectation.converged.check(harness.resource("production", "other")?.status)
        #expect(harness.iam.role(Samples.roleName)?.attachedPolicies == [Samples.s3ReadOnly])
        #expect(harness.iam.calls("GetPolicy").count == 1)
        #expect(harness.iam.calls("GetPolicyVersion").count == 1)
    }

    @Test func concurrentReconcilesShareOneRead() async throws {
        let harness = ReconcilerHarness()
        let names = (0..<8).map { "app-\($0)" }
        for name in names { try harness.apply(Self.resource([Samples.s3ReadOnly], name: name)) }
        harness.iam.delay("GetPolicy", by: .milliseconds(50))

        await withTaskGroup(of: ReconcileResult.self) { group in
            for name in names { group.addTask { await harness.reconcile("production", name) } }
            for await result in group { #expect(result == .done) }
        }

        #expect(harness.iam.calls("GetPolicy").count == 1)
        #expect(harness.iam.calls("GetPolicyVersion").count == 1)
    }

    /// The default version is looked up again after a resync period; a new default version that
    /// grants a denied action is then refused, and its document is read once.
    @Test func aNewDefaultVersionIsCheckedAfterAResyncPeriod() async throws {
        let harness = ReconcilerHarness()
        harness.iam.putManagedPolicy(Self.customer, document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#)
        try harness.apply(Self.resource([Self.customer]))
        #expect(await harness.reconcile() == .done)
        harness.iam.putManagedPolicy(Self.customer, document: Self.passRoleDocument)

        harness.clock.advance(seconds: 599)
        #expect(await harness.reconcile() == .done, "within the resync period the known version is trusted")
        #expect(harness.iam.calls("GetPolicy").count == 1)

        harness.clock.advance(seconds: 2)
        _ = await harness.reconcile()
        ConditionExpectation.blocked(at: .spec, .guardrailViolation).check(harness.resource()?.status)
        #expect(harness.resource()?.status?.condition(.ready)?.message.contains("\(Self.customer) grants iam:PassRole") == true)
        #expect(harness.iam.calls("GetPolicy").count == 2)
        #expect(harness.iam.calls("GetPolicyVersion").map(\.detail) == [Self.customer, Self.customer])
    }

    struct ReadFailureCase: Sendable, CustomTestStringConvertible {
        var action: String
        var code: String
        var status: Int
        var testDescription: String { "\(action) \(code)" }
    }

    /// A policy the operator cannot read is refused, not trusted: AWSError (retried with backoff,
    /// as the cause is on the AWS side and often passes), nothing attached, nothing written.
    @Test(arguments: [
        ReadFailureCase(action: "GetPolicy", code: "AccessDenied", status: 403),
        ReadFailureCase(action: "GetPolicyVersion", code: "AccessDenied", status: 403),
        ReadFailureCase(action: "GetPolicy", code: "NoSuchEntity", status: 404),
        ReadFailureCase(action: "GetPolicy", code: "ServiceFailure", status: 500),
    ])
    func anUnreadablePolicyIsRefused(_ testCase: ReadFailureCase) async throws {
        let harness = ReconcilerHarness()
        harness.iam.failAlways(testCase.action, with: InMemoryIAM.error(testCase.code, "refused", status: testCase.status))
        try harness.apply(Self.resource([Samples.s3ReadOnly]))

        let result = await harness.reconcile()

        let status = try #require(harness.resource()?.status)
        ConditionExpectation.blocked(at: .spec, .awsError).check(status)
        let message = try #require(status.condition(.ready)?.message)
        #expect(result == .transientError(message))
        #expect(message.hasPrefix("spec.managedPolicyArns[0]: IAM \(testCase.action) on managed policy \(Samples.s3ReadOnly) failed with \(testCase.code)"), "\(message)")
        #expect(harness.iam.writeCalls.isEmpty, "\(harness.iam.actionNames)")

        harness.iam.stopFailing(testCase.action)
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
    }

    @Test func aMalformedDocumentIsAGuardrailViolation() async throws {
        let harness = ReconcilerHarness()
        harness.iam.putManagedPolicy(Self.customer, document: #"{"Version":"2012-10-17","Statement":"everything"}"#)
        try harness.apply(Self.resource([Self.customer]))

        _ = await harness.reconcile()

        ConditionExpectation.blocked(at: .spec, .guardrailViolation).check(harness.resource()?.status)
        #expect(harness.resource()?.status?.condition(.ready)?.message.contains("\(Self.customer) cannot be checked") == true)
        #expect(harness.iam.writeCalls.isEmpty)
    }

    /// A spec refused without IAM (InvalidSpec, an ARN guardrail) reads no managed policy either.
    @Test func aSpecRefusedByValidationReadsNoPolicy() async throws {
        let harness = ReconcilerHarness()
        var resource = Self.resource([Samples.s3ReadOnly])
        resource.spec.role.maxSessionDurationSeconds = 60
        try harness.apply(resource)
        _ = await harness.reconcile()
        #expect(harness.iam.calls.isEmpty, "\(harness.iam.actionNames)")
    }
}
