import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Blockers outside the spec: the OIDC provider, the ServiceAccount, IAM throttling and errors.
@Suite struct BlockerTests {
    @Test func missingOIDCProviderBlocksBeforeAnyRoleCall() async throws {
        let harness = ReconcilerHarness(oidcProviderExists: false)
        try harness.apply(Samples.myApp())

        let result = await harness.reconcile()

        #expect(result == .requeue(after: .seconds(30)))
        let status = try #require(harness.resource()?.status)
        ConditionExpectation.blocked(at: .role, .oidcProviderMissing).check(status)
        #expect(status.condition(.ready)?.message.contains(ReconcilerHarness.providerArn) == true)
        #expect(harness.iam.actionNames == InMemoryIAM.managedPolicyReads + ["ListOpenIDConnectProviders"])
        #expect(harness.events().map(\.reason) == ["OIDCProviderMissing"])
        #expect(harness.events().first?.type == .warning)

        // The administrator creates the provider: the next attempt sees it (a miss is not cached).
        harness.iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath)
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
    }

    @Test func manageOidcProviderCreatesTheMissingProvider() async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(clusterName: "prod", manageOidcProvider: true), oidcProviderExists: false)
        var resource = Samples.myApp()
        resource.spec.audience = "vault"
        try harness.apply(resource)

        #expect(await harness.reconcile() == .done)

        let provider = try #require(harness.iam.provider(ReconcilerHarness.providerArn))
        #expect(provider.url == ReconcilerHarness.issuerHostAndPath)
        #expect(provider.clientIds == ["sts.amazonaws.com", "vault"])
        #expect(provider.thumbprints == [String(repeating: "b", count: 40)])
        ConditionExpectation.converged.check(harness.resource()?.status)
        // A resource never reconciled before creates its role without observing first.
        #expect(Array(harness.iam.actionNames.prefix(5)) == InMemoryIAM.managedPolicyReads + ["ListOpenIDConnectProviders", "CreateOpenIDConnectProvider", "CreateRole"])
    }

    @Test func providerCheckIsRefreshedOncePerResyncPeriod() async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(clusterName: "prod", resyncPeriod: .seconds(600)))
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        harness.resetCalls()

        harness.clock.advance(seconds: 300)
        _ = await harness.reconcile()
        #expect(harness.iam.calls("ListOpenIDConnectProviders").isEmpty)

        harness.clock.advance(seconds: 301)
        _ = await harness.reconcile()
        #expect(harness.iam.calls("ListOpenIDConnectProviders").count == 1)
    }

    @Test func missingServiceAccountWithCreateFalseIsWaitedFor() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.serviceAccount = ServiceAccountSpec(name: "existing-sa", create: false)
        try harness.apply(resource)

        let result = await harness.reconcile()

        #expect(result == .requeue(after: .seconds(30)))
        let status = try #require(harness.resource()?.status)
        ConditionExpectation.blocked(at: .serviceAccount, .waitingForServiceAccount).check(status)
        #expect(status.roleArn == Samples.roleArn, "the role is in place while waiting")
        #expect(status.condition(.ready)?.message.contains("production/existing-sa") == true)
        #expect(harness.serviceAccount("production", "existing-sa") == nil, "never created with create: false")
        #expect(harness.events().map(\.reason) == ["WaitingForServiceAccount"])

        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "existing-sa", namespace: "production")))
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.serviceAccount("production", "existing-sa")?.metadata.annotations == ["eks.amazonaws.com/role-arn": Samples.roleArn])
        #expect(harness.serviceAccount("production", "existing-sa")?.metadata.ownerReferences == nil)
    }

    @Test func serviceAccountCreatedForAnotherResourceIsNotFoughtOver() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(name: "first"))
        #expect(await harness.reconcile("production", "first") == .done)
        var second = Samples.myApp(name: "second")
        second.spec.serviceAccount = ServiceAccountSpec(name: "first")
        try harness.apply(second)
        let before = harness.serviceAccount("production", "first")

        let result = await harness.reconcile("production", "second")

        #expect(result == .requeue(after: .seconds(30)))
        let status = try #require(harness.resource("production", "second")?.status)
        ConditionExpectation.blocked(at: .serviceAccount, .serviceAccountConflict).check(status)
        #expect(status.condition(.ready)?.message.contains("WorkloadAwsAccess first") == true)
        #expect(harness.serviceAccount("production", "first") == before)
    }

    struct AWSFailureCase: Sendable, CustomStringConvertible {
        var description: String
        var action: String
        var error: AWSClientError
        var stage: ReconcileStage
        var reason: ConditionReason
        var messageContains: [String]
        /// The resource already carries the finalizer (an earlier reconcile got that far), so
        /// the role is observed first instead of created right away.
        var reconciledBefore = false
    }

    static let awsFailures: [AWSFailureCase] = [
        AWSFailureCase(
            description: "throttled observing", action: "GetRole",
            error: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400), stage: .role, reason: .awsThrottled,
            messageContains: ["GetRole", "Throttling"], reconciledBefore: true),
        AWSFailureCase(
            description: "throttled creating a new resource's role", action: "CreateRole",
            error: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400), stage: .role, reason: .awsThrottled,
            messageContains: ["CreateRole", "Throttling"]),
        AWSFailureCase(
            description: "throttled putting a policy", action: "PutRolePolicy",
            error: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400), stage: .policies, reason: .awsThrottled,
            messageContains: ["PutRolePolicy", "s3-access"]),
        AWSFailureCase(
            description: "quota on create", action: "CreateRole",
            error: InMemoryIAM.error("LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1000", status: 409), stage: .role,
            reason: .awsError, messageContains: ["LimitExceeded", "quota"]),
        AWSFailureCase(
            description: "access denied attaching", action: "AttachRolePolicy",
            error: InMemoryIAM.error("AccessDenied", "not authorized", status: 403), stage: .policies, reason: .awsError,
            messageContains: ["AccessDenied", "iam:AttachRolePolicy"]),
        AWSFailureCase(
            description: "IAM internal error", action: "ListOpenIDConnectProviders",
            error: InMemoryIAM.error("ServiceFailure", "internal", status: 500), stage: .role, reason: .awsError,
            messageContains: ["ServiceFailure"]),
    ]

    @Test(arguments: awsFailures)
    func awsFailuresAreReportedWithTheirCodeAndRetriedWithBackoff(_ testCase: AWSFailureCase) async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(finalizers: testCase.reconciledBefore ? [WorkloadAwsAccessReconciler.finalizer] : nil))
        harness.iam.fail(testCase.action, with: testCase.error)

        let result = await harness.reconcile()

        let status = try #require(harness.resource()?.status)
        let ready = try #require(status.condition(.ready))
        #expect(result == .transientError(ready.message))
        ConditionExpectation.blocked(at: testCase.stage, testCase.reason).check(status)
        for fragment in testCase.messageContains {
            #expect(ready.message.contains(fragment), "\(ready.message) should name \(fragment)")
        }
        #expect(harness.events().map(\.reason) == [testCase.reason.rawValue])
        #expect(harness.events().first?.type == .warning)

        // The failure passes: the next attempt converges and Ready flips.
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.events().map(\.reason) == [testCase.reason.rawValue, "Converged"])
    }

    @Test func managedPolicyThatDoesNotExistIsAnAWSErrorNamingTheField() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.managedPolicyArns = ["arn:aws:iam::123456789012:policy/does-not-exist"]
        try harness.apply(resource)

        // The guardrail reads the policy before any write: NoSuchEntity refuses it, nothing is created.
        let result = await harness.reconcile()

        let status = try #require(harness.resource()?.status)
        #expect(result == .transientError(status.condition(.ready)?.message ?? "-"))
        ConditionExpectation.blocked(at: .spec, .awsError).check(status)
        let message = try #require(status.condition(.ready)?.message)
        #expect(message.contains("NoSuchEntity"))
        #expect(message.contains("spec.managedPolicyArns[0]"))
        #expect(harness.iam.writeCalls.isEmpty, "\(harness.iam.actionNames)")
    }

    @Test func anotherBlockerKeepsTheTransitionTimeButIsAnnouncedAgain() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(finalizers: [WorkloadAwsAccessReconciler.finalizer]))
        harness.iam.fail("GetRole", with: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400))
        _ = await harness.reconcile()
        let first = try #require(harness.resource()?.status?.condition(.ready))
        harness.clock.advance(seconds: 90)
        harness.iam.fail("GetRole", with: InMemoryIAM.error("AccessDenied", "not authorized", status: 403))

        _ = await harness.reconcile()

        let second = try #require(harness.resource()?.status?.condition(.ready))
        #expect(second.status == .false)
        #expect(second.reason == "AWSError")
        #expect(second.lastTransitionTime == first.lastTransitionTime, "Ready did not flip")
        #expect(harness.events().map(\.reason) == ["AWSThrottled", "AWSError"])
    }

    @Test func sameFailureAgainWritesNoNewStatusOrEvent() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(finalizers: [WorkloadAwsAccessReconciler.finalizer]))
        harness.iam.failAlways("GetRole", with: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400))
        _ = await harness.reconcile()
        harness.resetCalls()
        harness.clock.advance(seconds: 5)

        _ = await harness.reconcile()

        #expect(harness.kubernetes.writeCalls.isEmpty)
        #expect(harness.events().count == 1)
    }
}
