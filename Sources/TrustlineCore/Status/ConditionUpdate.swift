import Foundation
import KubeModels

/// Computes the new condition list from the old one and a reconcile outcome (docs/design.md section 5).
/// `lastTransitionTime` changes only when a condition's status flips; the clock is injected, so
/// an unchanged outcome yields an equal list and the operator skips the status write.
public enum ConditionUpdate {
    /// The conditions after `outcome`: Ready first, then RoleReady, PoliciesReady,
    /// ServiceAccountReady, Reconciling and Stalled (`ProgressConditions`), then any other types
    /// found in `old` (e.g. a later `Verified`), unchanged. While the resource is deleted the three
    /// sub-conditions are False with the deletion's reason. Every condition written carries
    /// `generation` as its observedGeneration.
    public static func conditions(old: [Condition], outcome: ReconcileOutcome, generation: Int64?, now: Date) -> [Condition] {
        let timestamp = KubernetesTime.format(now)
        var targets: [(ConditionType, Condition.Status, String, String)] = []
        switch outcome {
        case .converged(let message):
            targets.append((.ready, .true, ConditionReason.converged.rawValue, message))
            for stage in ReconcileStage.allCases {
                if let type = stage.conditionType {
                    targets.append((type, .true, ConditionReason.converged.rawValue, convergedMessage(type)))
                }
            }
        case .blocked(let blockedStage, let reason, let message):
            targets.append((.ready, .false, reason.rawValue, message))
            for stage in ReconcileStage.allCases {
                guard let type = stage.conditionType else { continue }
                if stage < blockedStage {
                    targets.append((type, .true, ConditionReason.converged.rawValue, convergedMessage(type)))
                } else if stage == blockedStage {
                    targets.append((type, .false, reason.rawValue, message))
                } else {
                    targets.append((type, .unknown, reason.rawValue, "not evaluated: \(message)"))
                }
            }
        case .deleting(let message):
            targets.append((.ready, .false, ConditionReason.deleting.rawValue, message))
            targets += withdrawn(reason: .deleting, message: "the resource is being deleted: \(message)")
        case .deletionBlocked(let message):
            targets.append((.ready, .false, ConditionReason.deletionBlocked.rawValue, message))
            targets += withdrawn(reason: .deletionBlocked, message: "deletion is blocked: \(message)")
        }
        let progress = ProgressConditions.targets(for: outcome)
        targets.append((.reconciling, progress.reconciling.status, progress.reconciling.reason, progress.reconciling.message))
        targets.append((.stalled, progress.stalled.status, progress.stalled.reason, progress.stalled.message))

        var result: [Condition] = []
        // Known types in their fixed order, so the list only changes when a condition does.
        for type in ConditionType.allCases {
            let previous = old.first { $0.type == type.rawValue }
            guard let (_, status, reason, message) = targets.first(where: { $0.0 == type }) else {
                if let previous { result.append(previous) }
                continue
            }
            let transition = (previous?.status == status) ? (previous?.lastTransitionTime ?? timestamp) : timestamp
            result.append(
                Condition(type: type.rawValue, status: status, observedGeneration: generation, lastTransitionTime: transition, reason: reason, message: message))
        }
        let known = Set(ConditionType.allCases.map(\.rawValue))
        result += old.filter { !known.contains($0.type) }
        return result
    }

    /// The status after `outcome`, keeping the other fields as given.
    public static func status(old: WorkloadAwsAccessStatus?, updating fields: WorkloadAwsAccessStatus, outcome: ReconcileOutcome, generation: Int64?, now: Date) -> WorkloadAwsAccessStatus {
        var status = fields
        status.observedGeneration = generation
        status.conditions = conditions(old: old?.conditions ?? [], outcome: outcome, generation: generation, now: now)
        return status
    }

    /// Whether the status must be written: only when it changed.
    public static func needsWrite(old: WorkloadAwsAccessStatus?, new: WorkloadAwsAccessStatus) -> Bool {
        old != new
    }

    /// RoleReady, PoliciesReady and ServiceAccountReady while the resource is deleted: False,
    /// because cleanup takes the policies, the role and the annotations away (and may have done
    /// so already when it blocks), so none of them can still be reported Converged.
    private static func withdrawn(reason: ConditionReason, message: String) -> [(ConditionType, Condition.Status, String, String)] {
        ReconcileStage.allCases.compactMap(\.conditionType).map { ($0, .false, reason.rawValue, message) }
    }

    private static func convergedMessage(_ type: ConditionType) -> String {
        switch type {
        case .ready: return "all resources converged"
        case .roleReady: return "the IAM role exists with the rendered trust policy"
        case .policiesReady: return "inline and managed policies match the spec"
        case .serviceAccountReady: return "the ServiceAccount carries the role annotations"
        case .reconciling, .stalled: return ""
        }
    }
}
