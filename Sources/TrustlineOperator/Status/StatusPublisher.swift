import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// Step 7 of docs/design.md section 4: writes the resource's status through the status subresource and
/// the event that goes with it, both only when something changed. The conditions come from core's
/// `ConditionUpdate`, so an unchanged outcome gives an equal status and no write at all.
struct StatusPublisher: Sendable {
    let kubernetes: any KubernetesAPI
    let events: any EventRecorder
    let clock: any WallClock

    /// What publishing did.
    enum Publication: Sendable {
        /// The status was written; `updated` is the resource as the server returned it (its new
        /// resourceVersion), `readyChanged` whether Ready's status, reason or message moved.
        case written(updated: WorkloadAwsAccess, readyChanged: Bool)
        case unchanged
        /// The resource disappeared before the write.
        case resourceGone

        /// The resource to continue with: the written one, else `original`.
        func latest(_ original: WorkloadAwsAccess) -> WorkloadAwsAccess {
            if case .written(let updated, _) = self { return updated }
            return original
        }
    }

    /// Computes the status for `outcome` from the old one and `fields`, writes it when it differs,
    /// and records the outcome's event when the Ready condition changed.
    func publish(
        _ outcome: ReconcileOutcome, fields: WorkloadAwsAccessStatus, on resource: WorkloadAwsAccess, logger: Logger
    ) async throws -> Publication {
        let old = resource.status
        let new = ConditionUpdate.status(old: old, updating: fields, outcome: outcome, generation: resource.metadata.generation, now: clock.now)
        guard ConditionUpdate.needsWrite(old: old, new: new) else { return .unchanged }
        var updated = resource
        updated.status = new
        let written: WorkloadAwsAccess
        do {
            written = try await kubernetes.updateStatus(updated)
        } catch let error as KubeAPIError where error.isNotFound {
            return .resourceGone
        }
        let before = old?.condition(.ready)
        let after = new.condition(.ready)
        let readyChanged = before?.status != after?.status || before?.reason != after?.reason || before?.message != after?.message
        logger.debug("status written", metadata: ["ready": "\(after?.status.rawValue ?? "-")", "reason": "\(after?.reason ?? "-")"])
        if readyChanged {
            await events.record(Self.event(for: outcome), regarding: ObjectReference(to: resource))
        }
        return .written(updated: written, readyChanged: readyChanged)
    }

    /// The event that announces an outcome: Warning for anything that blocks, Normal otherwise.
    static func event(for outcome: ReconcileOutcome) -> OperatorEvent {
        switch outcome {
        case .converged(let message):
            return .normal(ConditionReason.converged.rawValue, message)
        case .blocked(_, let reason, let message):
            return .warning(reason.rawValue, message)
        case .deleting(let message):
            return .normal(ConditionReason.deleting.rawValue, message, action: "Delete")
        case .deletionBlocked(let message):
            return .warning(ConditionReason.deletionBlocked.rawValue, message, action: "Delete")
        }
    }
}
