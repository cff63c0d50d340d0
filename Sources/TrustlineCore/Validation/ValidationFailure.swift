/// One thing wrong with a resource: the condition reason it leads to, the field path (e.g.
/// `spec.inlinePolicies[0].document.Statement[1].Action[0]`) and a message saying what is wrong
/// and what to do. Validation collects all of them, not only the first.
public struct ValidationFailure: Sendable, Equatable, Hashable, Encodable, CustomStringConvertible {
    /// Why the resource is refused.
    public enum Reason: String, Sendable, Hashable, Encodable {
        /// The spec is malformed or out of IAM's bounds.
        case invalidSpec = "InvalidSpec"
        /// The spec is well-formed but asks for something the operator's guardrails refuse.
        case guardrailViolation = "GuardrailViolation"

        public var conditionReason: ConditionReason {
            switch self {
            case .invalidSpec: return .invalidSpec
            case .guardrailViolation: return .guardrailViolation
            }
        }
    }

    public var reason: Reason
    public var field: String
    public var message: String

    private enum CodingKeys: String, CodingKey { case reason, field, message }

    public init(_ reason: Reason, field: String, _ message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// All failures of a refused resource, as one error. `reason` is InvalidSpec when any failure is,
/// else GuardrailViolation: a malformed spec is fixed first.
public struct SpecRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var failures: [ValidationFailure]

    public init(failures: [ValidationFailure]) {
        self.failures = failures
    }

    public var reason: ValidationFailure.Reason {
        failures.contains { $0.reason == .invalidSpec } ? .invalidSpec : .guardrailViolation
    }

    /// One message for the condition and the Warning event, naming every field.
    public var message: String {
        failures.map(\.description).joined(separator: "; ")
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}

extension SpecRejection {
    /// The reconcile outcome of a refused spec: blocked before anything else was evaluated.
    public var outcome: ReconcileOutcome {
        .blocked(stage: .spec, reason: reason.conditionReason, message: message)
    }
}
