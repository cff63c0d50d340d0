import TrustlineCore

/// What `trustline plan` reports for one `WorkloadAwsAccess` found in the manifests: the rendered
/// role, trust policy, policies, tags and ServiceAccount annotations, or every guardrail and spec
/// violation; with `--live`, also what IAM holds and the exact write calls a reconcile would make.
public struct PlannedAccess: Sendable, Encodable {
    /// `file` or `file#N` for the N-th document (0-based) of a multi-document file.
    public var source: String
    public var namespace: String
    public var name: String
    /// Present when the resource passes validation and guardrails.
    public var rendered: RenderedAccess?
    /// `InvalidSpec` or `GuardrailViolation` when refused.
    public var reason: String?
    public var violations: [ValidationFailure]
    /// With `--live`: what was observed and decided.
    public var live: LiveObservation?
    /// `spec.managedPolicyArns` in spec order, so `--live` can name a refused policy by its index;
    /// not reported (the rendered role lists the policies).
    var specManagedPolicyArns: [String] = []

    public var isRefused: Bool { !violations.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case source, namespace, name, rendered, reason, violations, live
    }
}

/// The read-only IAM observation of `--live` and the calls a reconcile would make from it.
public struct LiveObservation: Sendable, Encodable {
    /// `absent`, `owned`, `adoptable`, `foreign` (RoleConflict) or `error`.
    public var ownership: String
    public var message: String?
    /// The read calls made to observe (GetRole, ListRolePolicies, ...), in order.
    public var readCalls: [String]
    /// The write calls a reconcile would make, in order; empty when IAM already matches.
    public var calls: [IAMAction]
}
