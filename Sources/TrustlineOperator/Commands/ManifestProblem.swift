import TrustlineCore

/// A problem `trustline plan` found in a manifest before any guardrail, with where it is: the file
/// (`stdin` for `-`), the 0-based document index (nil for the file as a whole: unreadable, not
/// YAML) and `source`, the label people read (`file#2`, `file#0.items[1]` for a List item).
public struct ManifestProblem: Sendable, Equatable, Encodable {
    public var file: String
    public var document: Int?
    public var source: String
    public var severity: DocumentProblem.Severity
    /// The field path, or empty for the whole document or file.
    public var field: String
    public var message: String

    public init(file: String, document: Int?, source: String? = nil, _ problem: DocumentProblem) {
        self.file = file
        self.document = document
        self.source = source ?? document.map { "\(file)#\($0)" } ?? file
        self.severity = problem.severity
        self.field = problem.field
        self.message = problem.message
    }

    public var isError: Bool { severity == .error }

    /// `source: severity: field: message`, one line.
    public var line: String {
        "\(source): \(severity.rawValue): \(field.isEmpty ? "" : "\(field): ")\(message)"
    }
}
