import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 4, must-show 2: every condition reason of docs/design.md section 5 is reached, with the
/// conditions section 5 prescribes and the matching event.
@Suite struct ConditionReasonCoverageTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var reason: ConditionReason
        var expected: ConditionExpectation
        var eventType: Event.EventType
        /// Brings a fresh harness to the point where the next reconcile reports `reason`.
        var setUp: @Sendable (ReconcilerHarness) async throws -> Void

        var description: String { reason.rawValue }
    }

    static func convergedFirst(_ harness: ReconcilerHarness, finalizers: [String]? = nil) async throws {
        try harness.apply(Samples.myApp(finalizers: finalizers))
        #expect(await harness.reconcile() == .done)
    }

    /// While the resource is deleted, cleanup takes the policies, the role and the annotations
    /// away, so every sub-condition is False with the deletion's reason (none may still say
    /// Converged). Deletion is work in flight, retried by the operator: Reconciling.
    static func deletion(_ reason: ConditionReason) -> ConditionExpectation {
        ConditionExpectation(
            ready: .false, reason: reason, role: .false, policies: .false, serviceAccount: .false, reconciling: .true, stalled: .false)
    }

    static let scenarios: [Scenario] = [
        Scenario(reason: .converged, expected: .converged, eventType: .normal) { harness in
            try harness.apply(Samples.myApp())
        },
        Scenario(reason: .invalidSpec, expected: .blocked(at: .spec, .invalidSpec), eventType: .warning) { harness in
            var resource = Samples.myApp()
            resource.spec.tokenExpirationSeconds = 5
            try harness.apply(resource)
        },
        Scenario(reason: .guardrailViolation, expected: .blocked(at: .spec, .guardrailViolation), eventType: .warning) { harness in
            var resource = Samples.myApp()
            resource.spec.inlinePolicies[0].document = [
                "Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "*", "Resource": "*"]],
            ]
            try harness.apply(resource)
        },
        Scenario(reason: .roleConflict, expected: .blocked(at: .role, .roleConflict), eventType: .warning) { harness in
            OwnershipTests.seedForeignRole(harness.iam)
            try harness.apply(Samples.myApp())
        },
        Scenario(reason: .oidcProviderMissing, expected: .blocked(at: .role, .oidcProviderMissing), eventType: .warning) { harness in
            try harness.apply(Samples.myApp())
        },
        Scenario(
            reason: .waitingForServiceAccount, expected: .blocked(at: .serviceAccount, .waitingForServiceAccount), eventType: .warning
        ) { harness in
            var resource = Samples.myApp()
            resource.spec.serviceAccount.create = false
            try harness.apply(resource)
        },
        Scenario(
            reason: .serviceAccountConflict, expected: .blocked(at: .serviceAccount, .serviceAccountConflict), eventType: .warning
        ) { harness in
            let eksctlArn = "arn:aws:iam::123456789012:role/eksctl-prod-addon-iamserviceaccount-production-my-app-Role1"
            try harness.kubernetes.seed(
                ServiceAccount(metadata: ObjectMeta(name: "my-app", namespace: "production", annotations: ["eks.amazonaws.com/role-arn": eksctlArn])))
            var resource = Samples.myApp()
            resource.spec.serviceAccount.create = false
            try harness.apply(resource)
        },
        Scenario(reason: .awsThrottled, expected: .blocked(at: .policies, .awsThrottled), eventType: .warning) { harness in
            try harness.apply(Samples.myApp())
            harness.iam.fail("AttachRolePolicy", with: InMemoryIAM.error("Throttling", "Rate exceeded", status: 400))
        },
        Scenario(reason: .awsError, expected: .blocked(at: .role, .awsError), eventType: .warning) { harness in
            try harness.apply(Samples.myApp())
            harness.iam.fail("CreateRole", with: InMemoryIAM.error("InvalidInput", "bad input", status: 400))
        },
        Scenario(reason: .deleting, expected: deletion(.deleting), eventType: .normal) { harness in
            // Another controller's finalizer keeps the object visible after our cleanup.
            try await convergedFirst(harness, finalizers: ["example.com/keep"])
            try await harness.delete()
        },
        Scenario(reason: .deletionBlocked, expected: deletion(.deletionBlocked), eventType: .warning) { harness in
            try await convergedFirst(harness)
            harness.iam.failAlways("DetachRolePolicy", with: InMemoryIAM.error("ServiceFailure", "internal", status: 500))
            try await harness.delete()
        },
    ]

    @Test func everyReasonOfTheVocabularyHasAScenario() {
        #expect(Set(Self.scenarios.map(\.reason.rawValue)) == Set(ConditionReason.allCases.map(\.rawValue)))
    }

    @Test(arguments: scenarios)
    func reasonIsReachedWithItsConditionsAndEvent(_ scenario: Scenario) async throws {
        let harness = ReconcilerHarness(oidcProviderExists: scenario.reason != .oidcProviderMissing)
        try await scenario.setUp(harness)

        _ = await harness.reconcile()

        let resource = try #require(harness.resource())
        scenario.expected.check(resource.status)
        let event = try #require(harness.events().last)
        #expect(event.reason == scenario.reason.rawValue)
        #expect(event.type == scenario.eventType)
        #expect(event.regarding.uid == resource.metadata.uid)
        #expect(event.regarding.kind == "WorkloadAwsAccess")
        #expect(event.note == resource.status?.condition(.ready)?.message)
        for condition in resource.status?.conditions ?? [] {
            #expect(condition.observedGeneration == resource.metadata.generation)
        }
    }
}
