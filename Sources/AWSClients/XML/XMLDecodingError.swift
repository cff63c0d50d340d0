/// Why a response body could not be read as the XML document we expected. Every case is a
/// failure: a body that does not decode never turns into an empty success.
public enum XMLDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body was empty where a document was required.
    case emptyDocument
    /// The parser reported an error (bad syntax, bad encoding, ...).
    case malformed(line: Int, column: Int, reason: String)
    /// The document ended while these elements were still open (outermost first).
    case truncated(openElements: [String])
    /// The document is well formed but its root element is not the one the call returns.
    case unexpectedRoot(expected: String, found: String)
    /// A required element is absent; `path` names it from the root.
    case missingElement(path: String)
    /// An element is present but its text is not of the expected kind.
    case invalidValue(path: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .emptyDocument:
            return "the response body is empty; expected an XML document"
        case let .malformed(line, column, reason):
            return "the response is not well-formed XML (line \(line), column \(column)): \(reason)"
        case let .truncated(openElements):
            return "the response XML ends early; still open: \(openElements.joined(separator: "/"))"
        case let .unexpectedRoot(expected, found):
            return "the response XML has root <\(found)>, expected <\(expected)>"
        case let .missingElement(path):
            return "the response XML lacks the required element \(path)"
        case let .invalidValue(path, value, expected):
            return "the response XML element \(path) holds \"\(value)\", expected \(expected)"
        }
    }
}
