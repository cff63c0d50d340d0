import Foundation

/// A parsed `~/.aws/credentials` or `~/.aws/config` file: sections of lower-cased keys to values.
/// Exists because both files share one INI dialect (full-line `#`/`;` comments, indented lines
/// continuing a nested setting) that differs from generic INI parsers.
struct SharedProfileFile: Sendable {
    /// The section as written between the brackets, trimmed (`default`, `profile dev`, `dev`).
    struct Section: Sendable {
        var name: String
        var line: Int
        var values: [String: String]
    }

    var path: String
    var sections: [Section]

    /// Parses `text`; a line that is neither a section header, a `key = value` setting, a comment,
    /// a blank line nor an indented continuation is an error naming the file and line.
    init(path: String, text: String) throws {
        self.path = path
        var sections: [Section] = []
        var lineNumber = 0
        // `\r\n` is one Character in Swift, so split on any newline rather than on "\n".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if line.first == " " || line.first == "\t" {
                // Continuation of a nested setting such as `s3 =` followed by indented sub-keys: not used here.
                guard !sections.isEmpty else {
                    throw CredentialProviderError.malformedProfileFile(
                        path: path, line: lineNumber, reason: "indented line before any [section]")
                }
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw CredentialProviderError.malformedProfileFile(
                        path: path, line: lineNumber, reason: "section header '\(trimmed)' is not of the form [name]")
                }
                let name = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                sections.append(Section(name: name, line: lineNumber, values: [:]))
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw CredentialProviderError.malformedProfileFile(
                    path: path, line: lineNumber, reason: "expected 'key = value', a [section] or a comment")
            }
            guard !sections.isEmpty else {
                throw CredentialProviderError.malformedProfileFile(
                    path: path, line: lineNumber, reason: "setting outside any [section]")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else {
                throw CredentialProviderError.malformedProfileFile(path: path, line: lineNumber, reason: "empty key")
            }
            sections[sections.count - 1].values[key] = value
        }
        self.sections = sections
    }

    /// Reads and parses the file; `nil` when it does not exist.
    static func load(path: String) throws -> SharedProfileFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CredentialProviderError.malformedProfileFile(path: path, line: 0, reason: "cannot read the file: \(error)")
        }
        return try SharedProfileFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    /// Merged values of every section with exactly this name (later sections win, as in the SDKs).
    func values(ofSection name: String) -> [String: String]? {
        let matching = sections.filter { $0.name == name }
        guard !matching.isEmpty else { return nil }
        return matching.reduce(into: [:]) { merged, section in merged.merge(section.values) { _, new in new } }
    }
}
