/// One thing wrong with a manifest document, found before the guardrails: the schema, the
/// apiVersion, the kind, or a clash with another document. Errors make `trustline plan` exit 1;
/// warnings are reported and do not.
public struct DocumentProblem: Sendable, Equatable, Hashable, Encodable, CustomStringConvertible {
    /// Whether the problem refuses the document.
    public enum Severity: String, Sendable, Hashable, Encodable {
        case error, warning
    }

    public var severity: Severity
    /// The field path (`spec.role.maxSessionDurationSeconds`); empty for the document as a whole.
    public var field: String
    /// What is wrong and what to do.
    public var message: String

    public init(_ severity: Severity, field: String, _ message: String) {
        self.severity = severity
        self.field = field
        self.message = message
    }

    static func error(field: String, _ message: String) -> DocumentProblem { DocumentProblem(.error, field: field, message) }
    static func warning(field: String, _ message: String) -> DocumentProblem { DocumentProblem(.warning, field: field, message) }

    public var description: String {
        "\(severity.rawValue): \(field.isEmpty ? "" : "\(field): ")\(message)"
    }
}
