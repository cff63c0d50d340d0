/// The condition types of docs/design.md section 5: `Ready` summarises the three parts; `Reconciling`
/// and `Stalled` are kstatus's, so GitOps tools tell a slow resource from a stuck one.
public enum ConditionType: String, Sendable, CaseIterable {
    case ready = "Ready"
    case roleReady = "RoleReady"
    case policiesReady = "PoliciesReady"
    case serviceAccountReady = "ServiceAccountReady"
    /// True while work is in flight: a retry is pending or deletion is under way.
    case reconciling = "Reconciling"
    /// True while a blocker only a person can lift holds the resource.
    case stalled = "Stalled"
}

/// The condition reasons of docs/design.md section 5; a contract with users and tests.
public enum ConditionReason: String, Sendable, CaseIterable {
    case converged = "Converged"
    case invalidSpec = "InvalidSpec"
    case guardrailViolation = "GuardrailViolation"
    case roleConflict = "RoleConflict"
    /// The ServiceAccount's role annotation is another claimant's or someone else's (`ServiceAccountClaim`).
    case serviceAccountConflict = "ServiceAccountConflict"
    case oidcProviderMissing = "OIDCProviderMissing"
    case waitingForServiceAccount = "WaitingForServiceAccount"
    case awsThrottled = "AWSThrottled"
    case awsError = "AWSError"
    case deleting = "Deleting"
    case deletionBlocked = "DeletionBlocked"

    /// Whether only a person can lift a block with this reason (a spec to fix, a guardrail to
    /// respect, a foreign role to rename or remove): kstatus's `Stalled`. Every other reason is
    /// retried by the operator on its own, so the resource is `Reconciling`. Exhaustive on
    /// purpose: a new reason must be classified here.
    public var isLiftedOnlyByAPerson: Bool {
        switch self {
        case .invalidSpec, .guardrailViolation, .roleConflict, .serviceAccountConflict:
            return true
        case .converged, .oidcProviderMissing, .waitingForServiceAccount, .awsThrottled, .awsError, .deleting, .deletionBlocked:
            return false
        }
    }
}

/// The reconcile steps a condition reports on, in the order docs/design.md section 4 runs them. A block at
/// one stage leaves earlier stages True and later ones Unknown.
public enum ReconcileStage: Int, Sendable, Comparable, CaseIterable {
    /// Validation and guardrails (step 1): no sub-condition of its own.
    case spec = 0
    /// The role and its trust policy (RoleReady).
    case role = 1
    /// Inline and managed policies (PoliciesReady).
    case policies = 2
    /// The ServiceAccount and its annotations (ServiceAccountReady).
    case serviceAccount = 3

    public static func < (lhs: ReconcileStage, rhs: ReconcileStage) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The sub-condition the stage reports on.
    public var conditionType: ConditionType? {
        switch self {
        case .spec: return nil
        case .role: return .roleReady
        case .policies: return .policiesReady
        case .serviceAccount: return .serviceAccountReady
        }
    }
}

/// What one reconcile came to, in the terms the conditions report.
public enum ReconcileOutcome: Sendable, Equatable {
    /// Everything matches; `message` goes on Ready (e.g. the role ARN).
    case converged(message: String)
    /// Something blocked at `stage`.
    case blocked(stage: ReconcileStage, reason: ConditionReason, message: String)
    /// The resource is being deleted and cleanup is in progress.
    case deleting(message: String)
    /// Deletion cannot finish; `message` names what blocks.
    case deletionBlocked(message: String)
}
