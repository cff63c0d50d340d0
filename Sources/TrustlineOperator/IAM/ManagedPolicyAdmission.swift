import AWSClients
import TrustlineCore

/// The managed-policy half of the guardrails, which needs IAM: every policy in
/// `spec.managedPolicyArns` is read and its default version held to `deniedActions` before any
/// IAM write for the resource. A policy that grants a denied action, or whose document cannot be
/// checked, blocks the resource with `GuardrailViolation`; a policy IAM would not let the
/// operator read (AccessDenied, NoSuchEntity, throttling) blocks it with `AWSError` (or
/// `AWSThrottled`) and is retried with backoff: the cause is on the AWS side and often passes,
/// and the reason points there. Either way nothing is attached.
struct ManagedPolicyAdmission {
    /// What the check came to for a list of policies.
    enum Verdict: Sendable, Equatable {
        /// Every policy is within the guardrails.
        case admitted
        /// Every policy that grants a denied action or cannot be checked.
        case refused([ValidationFailure])
        /// The first policy IAM did not let the operator read, as the block it reports.
        case unreadable(ReconcileBlock)
    }

    let catalog: ManagedPolicyCatalog
    let guardrails: GuardrailSettings

    func verdict(_ arns: [String]) async -> Verdict {
        var failures: [ValidationFailure] = []
        for (index, arn) in arns.enumerated() {
            switch await catalog.defaultDocument(of: arn) {
            case .success(let document):
                if let failure = ManagedPolicyGuardrail.check(arn: arn, index: index, document: document.text, guardrails: guardrails) {
                    failures.append(failure)
                }
            case .failure(let failure):
                var block = AWSFailureReport.block(failure.error, action: failure.action, target: "managed policy \(arn)", stage: .spec)
                block.message = "spec.managedPolicyArns[\(index)]: \(block.message)"
                return .unreadable(block)
            }
        }
        return failures.isEmpty ? .admitted : .refused(failures)
    }

    /// Throws the block that stops the reconcile when a policy is refused or unreadable.
    func check(_ arns: [String]) async throws(ReconcileBlock) {
        switch await verdict(arns) {
        case .admitted:
            return
        case .refused(let failures):
            // The content can change outside the resource (a new default version): look again later.
            throw ReconcileBlock(
                stage: .spec, reason: .guardrailViolation, message: SpecRejection(failures: failures).message, retry: .afterInterval)
        case .unreadable(let block):
            throw block
        }
    }
}
