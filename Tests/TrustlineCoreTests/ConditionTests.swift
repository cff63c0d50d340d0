import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct ConditionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let t1 = Date(timeIntervalSince1970: 1_800_000_600)

    func statuses(_ conditions: [Condition]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: conditions.map { ($0.type, "\($0.status.rawValue)/\($0.reason)") })
    }

    @Test func convergedIsAllTrue() {
        let conditions = ConditionUpdate.conditions(old: [], outcome: .converged(message: "role arn:x"), generation: 3, now: Self.t0)
        #expect(conditions.map(\.type) == ["Ready", "RoleReady", "PoliciesReady", "ServiceAccountReady"])
        #expect(statuses(conditions) == ["Ready": "True/Converged", "RoleReady": "True/Converged", "PoliciesReady": "True/Converged", "ServiceAccountReady": "True/Converged"])
        #expect(conditions.allSatisfy { $0.observedGeneration == 3 && $0.lastTransitionTime == "2027-01-15T08:00:00Z" })
    }

    struct BlockCase: Sendable {
        var stage: ReconcileStage
        var reason: ConditionReason
        var expected: [String: String]
    }

    static let blockCases: [BlockCase] = [
        BlockCase(stage: .spec, reason: .invalidSpec, expected: ["Ready": "False/InvalidSpec", "RoleReady": "Unknown/InvalidSpec", "PoliciesReady": "Unknown/InvalidSpec", "ServiceAccountReady": "Unknown/InvalidSpec"]),
        BlockCase(stage: .spec, reason: .guardrailViolation, expected: ["Ready": "False/GuardrailViolation", "RoleReady": "Unknown/GuardrailViolation", "PoliciesReady": "Unknown/GuardrailViolation", "ServiceAccountReady": "Unknown/GuardrailViolation"]),
        BlockCase(stage: .role, reason: .roleConflict, expected: ["Ready": "False/RoleConflict", "RoleReady": "False/RoleConflict", "PoliciesReady": "Unknown/RoleConflict", "ServiceAccountReady": "Unknown/RoleConflict"]),
        BlockCase(stage: .role, reason: .oidcProviderMissing, expected: ["Ready": "False/OIDCProviderMissing", "RoleReady": "False/OIDCProviderMissing", "PoliciesReady": "Unknown/OIDCProviderMissing", "ServiceAccountReady": "Unknown/OIDCProviderMissing"]),
        BlockCase(stage: .policies, reason: .awsThrottled, expected: ["Ready": "False/AWSThrottled", "RoleReady": "True/Converged", "PoliciesReady": "False/AWSThrottled", "ServiceAccountReady": "Unknown/AWSThrottled"]),
        BlockCase(stage: .policies, reason: .awsError, expected: ["Ready": "False/AWSError", "RoleReady": "True/Converged", "PoliciesReady": "False/AWSError", "ServiceAccountReady": "Unknown/AWSError"]),
        BlockCase(stage: .serviceAccount, reason: .waitingForServiceAccount, expected: ["Ready": "False/WaitingForServiceAccount", "RoleReady": "True/Converged", "PoliciesReady": "True/Converged", "ServiceAccountReady": "False/WaitingForServiceAccount"]),
    ]

    @Test(arguments: blockCases)
    func blockedAtStage(_ testCase: BlockCase) {
        let conditions = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: testCase.stage, reason: testCase.reason, message: "why"), generation: 1, now: Self.t0)
        #expect(statuses(conditions) == testCase.expected)
        #expect(conditions.first { $0.type == "Ready" }?.message == "why")
    }

    @Test func transitionTimeChangesOnlyWhenStatusFlips() {
        let first = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: .policies, reason: .awsError, message: "a"), generation: 1, now: Self.t0)
        let second = ConditionUpdate.conditions(old: first, outcome: .blocked(stage: .policies, reason: .awsThrottled, message: "b"), generation: 2, now: Self.t1)
        let byType = Dictionary(uniqueKeysWithValues: second.map { ($0.type, $0) })
        // Still False / True / Unknown: times kept even though reason and message changed.
        #expect(byType["Ready"]?.lastTransitionTime == KubernetesTime.format(Self.t0))
        #expect(byType["Ready"]?.reason == "AWSThrottled")
        #expect(byType["RoleReady"]?.lastTransitionTime == KubernetesTime.format(Self.t0))
        let third = ConditionUpdate.conditions(old: second, outcome: .converged(message: "ok"), generation: 2, now: Self.t1)
        let after = Dictionary(uniqueKeysWithValues: third.map { ($0.type, $0) })
        #expect(after["Ready"]?.lastTransitionTime == KubernetesTime.format(Self.t1))
        #expect(after["RoleReady"]?.lastTransitionTime == KubernetesTime.format(Self.t0))
        #expect(after["PoliciesReady"]?.lastTransitionTime == KubernetesTime.format(Self.t1))
    }

    @Test func sameOutcomeLaterIsNoStatusWrite() {
        let fields = WorkloadAwsAccessStatus(roleArn: "arn:x", roleName: "x", serviceAccountName: "my-app")
        let first = ConditionUpdate.status(old: nil, updating: fields, outcome: .converged(message: "ok"), generation: 3, now: Self.t0)
        let second = ConditionUpdate.status(old: first, updating: fields, outcome: .converged(message: "ok"), generation: 3, now: Self.t1)
        #expect(first == second)
        #expect(!ConditionUpdate.needsWrite(old: first, new: second))
        let third = ConditionUpdate.status(old: second, updating: fields, outcome: .converged(message: "ok"), generation: 4, now: Self.t1)
        #expect(ConditionUpdate.needsWrite(old: second, new: third))
    }

    @Test func deletionKeepsSubConditionsAndOtherTypes() {
        let verified = Condition(type: "Verified", status: .true, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Verified", message: "")
        let old = ConditionUpdate.conditions(old: [verified], outcome: .converged(message: "ok"), generation: 1, now: Self.t0)
        #expect(old.last == verified)
        let deleting = ConditionUpdate.conditions(old: old, outcome: .deletionBlocked(message: "role r: DeleteConflict"), generation: 1, now: Self.t1)
        #expect(statuses(deleting)["Ready"] == "False/DeletionBlocked")
        #expect(statuses(deleting)["RoleReady"] == "True/Converged")
        #expect(deleting.contains(verified))
        #expect(statuses(ConditionUpdate.conditions(old: old, outcome: .deleting(message: "x"), generation: 1, now: Self.t1))["Ready"] == "False/Deleting")
    }

    @Test func reasonsAreDesignSection5() {
        #expect(ConditionReason.allCases.map(\.rawValue) == [
            "Converged", "InvalidSpec", "GuardrailViolation", "RoleConflict", "OIDCProviderMissing",
            "WaitingForServiceAccount", "AWSThrottled", "AWSError", "Deleting", "DeletionBlocked",
        ])
        #expect(ConditionType.allCases.map(\.rawValue) == ["Ready", "RoleReady", "PoliciesReady", "ServiceAccountReady"])
    }
}
