/// The `pattern` keyword of an OpenAPI schema. The API server uses Go's RE2 and, like
/// `regexp.MatchString`, looks for a match anywhere in the value (patterns anchor themselves with
/// `^...$`). Swift's `Regex` reads the same syntax for what the CRD uses (`\x{A1}`, `\p{L}`,
/// classes, groups and counted repetition).
enum SchemaPattern {
    /// Whether `text` matches `pattern`; nil when the pattern does not compile.
    static func matches(_ text: String, pattern: String) -> Bool? {
        guard let regex = try? Regex(pattern) else { return nil }
        return (try? regex.firstMatch(in: text)) != nil
    }
}
