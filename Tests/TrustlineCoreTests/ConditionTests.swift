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
        #expect(conditions.map(\.type) == ["Ready", "RoleReady", "PoliciesReady", "ServiceAccountReady", "Reconciling", "Stalled"])
        #expect(statuses(conditions) == [
            "Ready": "True/Converged", "RoleReady": "True/Converged", "PoliciesReady": "True/Converged", "ServiceAccountReady": "True/Converged",
            "Reconciling": "False/Converged", "Stalled": "False/Converged",
        ])
        #expect(conditions.allSatisfy { $0.observedGeneration == 3 && $0.lastTransitionTime == "2027-01-15T08:00:00Z" })
    }

    struct BlockCase: Sendable {
        var stage: ReconcileStage
        var reason: ConditionReason
        var expected: [String: String]
    }

    static let blockCases: [BlockCase] = [
        BlockCase(stage: .spec, reason: .invalidSpec, expected: ["Ready": "False/InvalidSpec", "RoleReady": "Unknown/InvalidSpec", "PoliciesReady": "Unknown/InvalidSpec", "ServiceAccountReady": "Unknown/InvalidSpec", "Reconciling": "False/InvalidSpec", "Stalled": "True/InvalidSpec"]),
        BlockCase(stage: .spec, reason: .guardrailViolation, expected: ["Ready": "False/GuardrailViolation", "RoleReady": "Unknown/GuardrailViolation", "PoliciesReady": "Unknown/GuardrailViolation", "ServiceAccountReady": "Unknown/GuardrailViolation", "Reconciling": "False/GuardrailViolation", "Stalled": "True/GuardrailViolation"]),
        BlockCase(stage: .role, reason: .roleConflict, expected: ["Ready": "False/RoleConflict", "RoleReady": "False/RoleConflict", "PoliciesReady": "Unknown/RoleConflict", "ServiceAccountReady": "Unknown/RoleConflict", "Reconciling": "False/RoleConflict", "Stalled": "True/RoleConflict"]),
        BlockCase(stage: .role, reason: .oidcProviderMissing, expected: ["Ready": "False/OIDCProviderMissing", "RoleReady": "False/OIDCProviderMissing", "PoliciesReady": "Unknown/OIDCProviderMissing", "ServiceAccountReady": "Unknown/OIDCProviderMissing", "Reconciling": "True/OIDCProviderMissing", "Stalled": "False/OIDCProviderMissing"]),
        BlockCase(stage: .policies, reason: .awsThrottled, expected: ["Ready": "False/AWSThrottled", "RoleReady": "True/Converged", "PoliciesReady": "False/AWSThrottled", "ServiceAccountReady": "Unknown/AWSThrottled", "Reconciling": "True/AWSThrottled", "Stalled": "False/AWSThrottled"]),
        BlockCase(stage: .policies, reason: .awsError, expected: ["Ready": "False/AWSError", "RoleReady": "True/Converged", "PoliciesReady": "False/AWSError", "ServiceAccountReady": "Unknown/AWSError", "Reconciling": "True/AWSError", "Stalled": "False/AWSError"]),
        BlockCase(stage: .serviceAccount, reason: .waitingForServiceAccount, expected: ["Ready": "False/WaitingForServiceAccount", "RoleReady": "True/Converged", "PoliciesReady": "True/Converged", "ServiceAccountReady": "False/WaitingForServiceAccount", "Reconciling": "True/WaitingForServiceAccount", "Stalled": "False/WaitingForServiceAccount"]),
    ]

    @Test(arguments: blockCases)
    func blockedAtStage(_ testCase: BlockCase) {
        let conditions = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: testCase.stage, reason: testCase.reason, message: "why"), generation: 1, now: Self.t0)
        #expect(statuses(conditions) == testCase.expected)
        #expect(conditions.first { $0.type == "Ready" }?.message == "why")
        #expect(conditions.allSatisfy { $0.observedGeneration == 1 })
        // kstatus reads Reconciling=True first: a stuck resource must never also say Reconciling.
        #expect(!(conditions.contains { $0.type == "Reconciling" && $0.status == .true } && conditions.contains { $0.type == "Stalled" && $0.status == .true }))
    }

    @Test func stalledCarriesTheBlockersMessageAndReconcilingTheRetry() {
        let stuck = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: .spec, reason: .invalidSpec, message: "spec.role.maxSessionDurationSeconds: 5 is below 3600"), generation: 2, now: Self.t0)
        #expect(stuck.first { $0.type == "Stalled" }?.message == "spec.role.maxSessionDurationSeconds: 5 is below 3600")
        let slow = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: .role, reason: .awsThrottled, message: "CreateRole: Throttling"), generation: 2, now: Self.t0)
        #expect(slow.first { $0.type == "Reconciling" }?.message == "CreateRole: Throttling")
    }

    @Test func stalledFlipsBackWhenThePersonFixedIt() {
        let stuck = ConditionUpdate.conditions(old: [], outcome: .blocked(stage: .spec, reason: .guardrailViolation, message: "iam:*"), generation: 1, now: Self.t0)
        let fixed = ConditionUpdate.conditions(old: stuck, outcome: .converged(message: "ok"), generation: 2, now: Self.t1)
        let stalled = fixed.first { $0.type == "Stalled" }
        #expect(stalled?.status == .false)
        #expect(stalled?.observedGeneration == 2)
        #expect(stalled?.lastTransitionTime == KubernetesTime.format(Self.t1))
        // Reconciling was False and stays False: its time is kept.
        #expect(fixed.first { $0.type == "Reconciling" }?.lastTransitionTime == KubernetesTime.format(Self.t0))
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

    /// Cleanup removes the policies before the role: while it is blocked, PoliciesReady must not
    /// still say Converged.
    @Test func deletionWithdrawsSubConditionsAndKeepsOtherTypes() {
        let verified = Condition(type: "Verified", status: .true, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Verified", message: "")
        let old = ConditionUpdate.conditions(old: [verified], outcome: .converged(message: "ok"), generation: 1, now: Self.t0)
        #expect(old.last == verified)
        let deleting = ConditionUpdate.conditions(old: old, outcome: .deletionBlocked(message: "role r: DeleteConflict"), generation: 1, now: Self.t1)
        #expect(statuses(deleting)["Ready"] == "False/DeletionBlocked")
        #expect(statuses(deleting)["RoleReady"] == "False/DeletionBlocked")
        #expect(statuses(deleting)["PoliciesReady"] == "False/DeletionBlocked")
        #expect(statuses(deleting)["ServiceAccountReady"] == "False/DeletionBlocked")
        #expect(deleting.first { $0.type == "PoliciesReady" }?.message == "deletion is blocked: role r: DeleteConflict")
        #expect(statuses(deleting)["Reconciling"] == "True/DeletionBlocked")
        #expect(statuses(deleting)["Stalled"] == "False/DeletionBlocked")
        #expect(deleting.map(\.type) == ["Ready", "RoleReady", "PoliciesReady", "ServiceAccountReady", "Reconciling", "Stalled", "Verified"])
        #expect(deleting.contains(verified))
        let inProgress = statuses(ConditionUpdate.conditions(old: old, outcome: .deleting(message: "x"), generation: 1, now: Self.t1))
        #expect(inProgress["Ready"] == "False/Deleting")
        #expect(inProgress["PoliciesReady"] == "False/Deleting")
        #expect(inProgress["RoleReady"] == "False/Deleting")
        #expect(inProgress["Reconciling"] == "True/Deleting")
        #expect(inProgress["Stalled"] == "False/Deleting")
    }

    @Test func reasonsAreDesignSection5() {
        #expect(ConditionReason.allCases.map(\.rawValue) == [
            "Converged", "InvalidSpec", "GuardrailViolation", "RoleConflict", "ServiceAccountConflict", "OIDCProviderMissing",
            "WaitingForServiceAccount", "AWSThrottled", "AWSError", "Deleting", "DeletionBlocked",
        ])
        #expect(ConditionType.allCases.map(\.rawValue) == ["Ready", "RoleReady", "PoliciesReady", "ServiceAccountReady", "Reconciling", "Stalled"])
        // docs/design.md section 5: the blockers only a person can lift.
        #expect(ConditionReason.allCases.filter(\.isLiftedOnlyByAPerson).map(\.rawValue) == ["InvalidSpec", "GuardrailViolation", "RoleConflict", "ServiceAccountConflict"])
    }
}
