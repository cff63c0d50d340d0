/// What made a document ill-formed, as the parser saw it. Each case becomes the `reason` of
/// `XMLDecodingError.malformed`, so the wording tells an operator what the peer sent wrong.
enum XMLSyntaxProblem: Equatable, Sendable, CustomStringConvertible {
    case invalidUTF8(byte: UInt8)
    case invalidCharacter(scalar: UInt32)
    case doctypeRefused
    case unexpectedEndOfInput(inside: String)
    case textOutsideRoot
    case contentAfterRoot
    case noRootElement
    case lessThanInText
    case unsupportedMarkup
    case expectedName(after: String)
    case invalidQualifiedName(String)
    case unboundPrefix(String)
    case invalidNamespaceDeclaration(String)
    case expected(String, inside: String)
    case duplicateAttribute(String)
    case lessThanInAttributeValue
    case mismatchedClosingTag(found: String, open: String)
    case closingTagWithoutOpenElement(String)
    case undefinedEntity(String)
    case invalidCharacterReference(String)
    case unterminatedReference
    case cdataEndInText
    case doubleHyphenInComment
    case misplacedXMLDeclaration
    case invalidXMLDeclaration(String)
    case unsupportedEncoding(String)
    case cdataOutsideRoot
    case invalidProcessingInstructionTarget(String)
    case nestingTooDeep(limit: Int)

    var description: String {
        switch self {
        case let .invalidUTF8(byte):
            return "invalid UTF-8 (byte 0x\(hex(UInt32(byte), width: 2)))"
        case let .invalidCharacter(scalar):
            return "character U+\(hex(scalar, width: 4)) is not allowed in XML"
        case .doctypeRefused:
            return "a document type declaration (<!DOCTYPE) is refused: AWS responses have none, and its entities could expand without bound"
        case let .unexpectedEndOfInput(inside):
            return "the document ends inside \(inside)"
        case .textOutsideRoot:
            return "text outside the root element"
        case .contentAfterRoot:
            return "content after the root element"
        case .noRootElement:
            return "the document has no root element"
        case .lessThanInText:
            return "'<' does not start a tag; a literal '<' in text must be written &lt;"
        case .unsupportedMarkup:
            return "unsupported markup after '<!' (only comments and CDATA sections are allowed)"
        case let .expectedName(after):
            return "expected a name after \(after)"
        case let .invalidQualifiedName(name):
            return "'\(name)' is not a valid qualified name (at most one ':' between a non-empty prefix and local name)"
        case let .unboundPrefix(prefix):
            return "namespace prefix '\(prefix)' is not declared"
        case let .invalidNamespaceDeclaration(name):
            return "invalid namespace declaration \(name)"
        case let .expected(what, inside):
            return "expected \(what) in \(inside)"
        case let .duplicateAttribute(name):
            return "attribute '\(name)' appears twice"
        case .lessThanInAttributeValue:
            return "'<' is not allowed in an attribute value; write &lt;"
        case let .mismatchedClosingTag(found, open):
            return "closing tag </\(found)> does not match the open element <\(open)>"
        case let .closingTagWithoutOpenElement(name):
            return "closing tag </\(name)> without an open element"
        case let .undefinedEntity(name):
            return "undefined entity &\(name); (only &lt; &gt; &amp; &apos; &quot; and character references are defined)"
        case let .invalidCharacterReference(text):
            return "character reference &\(text); does not name a valid XML character"
        case .unterminatedReference:
            return "'&' does not start an entity or character reference ending in ';'; a literal '&' must be written &amp;"
        case .cdataEndInText:
            return "']]>' is not allowed in text outside a CDATA section"
        case .doubleHyphenInComment:
            return "'--' is not allowed inside a comment"
        case .misplacedXMLDeclaration:
            return "the XML declaration (<?xml ...?>) is only allowed at the very start of the document"
        case let .invalidXMLDeclaration(detail):
            return "invalid XML declaration: \(detail)"
        case let .unsupportedEncoding(name):
            return "unsupported encoding '\(name)' (only UTF-8 is read)"
        case .cdataOutsideRoot:
            return "a CDATA section outside the root element"
        case let .invalidProcessingInstructionTarget(target):
            return "processing instruction target '\(target)' is reserved (starts with 'xml') or contains ':'"
        case let .nestingTooDeep(limit):
            return "elements nest deeper than \(limit) levels"
        }
    }

    private func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A syntax problem and the byte offset where it was found; the decoder turns the offset into a
/// line and column for `XMLDecodingError.malformed`.
struct XMLSyntaxFailure: Error, Equatable, Sendable {
    let offset: Int
    let problem: XMLSyntaxProblem
}
