/// The action half of the guardrails: whether an action pattern an Allow statement names can
/// grant an action the operator's `deniedActions` refuse. One rule for inline and managed
/// policies, so a managed policy cannot grant what an inline statement may not.
public enum ActionGuardrail {
    /// The first denied pattern some action matching `action` also matches (IAM compares action
    /// names ignoring case), or nil when the pattern is clear of every denied one.
    public static func deniedPattern(for action: String, guardrails: GuardrailSettings) -> String? {
        guardrails.deniedActions.first { Glob.intersects(action, $0, caseInsensitive: true) }
    }
}
