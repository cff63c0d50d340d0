/// The grammar of an XML document over `XMLByteScanner`, building `ParsedXMLElement`s as tags
/// close. It reads what AWS Query APIs send (declaration, namespaces, attributes, the predefined
/// entities, character references, CDATA, comments, processing instructions) and refuses DTDs.
struct XMLTreeParser {
    /// AWS responses nest a handful of levels; the limit keeps hostile input from building a tree
    /// whose recursive destruction or comparison would exhaust the stack.
    static let maximumDepth = 256

    private struct OpenElement {
        var nameRange: Range<Int>
        var element: ParsedXMLElement
        var text: [UInt8] = []
        var declaredPrefixCount: Int
    }

    private var scanner: XMLByteScanner
    private var stack: [OpenElement] = []
    private var boundPrefixes: [String] = ["xml"]
    private var root: ParsedXMLElement?
    private let detached: XMLDetachedElements?
    /// The first error `detached` threw; later elements at its path are dropped unread.
    private var detachedFailure: XMLDecodingError?

    /// `detached`, when given, takes the elements at its path as they close; the tree leaves them out.
    init(bytes: UnsafeBufferPointer<UInt8>, detached: XMLDetachedElements? = nil) {
        scanner = XMLByteScanner(bytes: bytes)
        self.detached = detached
    }

    /// Parses the whole input; errors carry the line and column of the problem.
    mutating func parseDocument() -> Result<ParsedXMLElement, XMLDecodingError> {
        do throws(XMLSyntaxFailure) {
            try parseProlog()
            try parseBody()
        } catch {
            if case .unexpectedEndOfInput = error.problem, !stack.isEmpty {
                return .failure(.truncated(openElements: stack.map(\.element.name)))
            }
            // A detached element that failed to decode came earlier in the document than this error.
            if let detachedFailure { return .failure(detachedFailure) }
            let (line, column) = scanner.lineAndColumn(of: error.offset)
            return .failure(.malformed(line: line, column: column, reason: error.problem.description))
        }
        if let detachedFailure { return .failure(detachedFailure) }
        if !stack.isEmpty {
            return .failure(.truncated(openElements: stack.map(\.element.name)))
        }
        guard let root else {
            let (line, column) = scanner.lineAndColumn(of: scanner.position)
            return .failure(.malformed(line: line, column: column, reason: XMLSyntaxProblem.noRootElement.description))
        }
        return .success(root)
    }

    // MARK: Document structure

    /// A UTF-8 byte order mark, then the optional `<?xml version="1.0" ...?>` declaration.
    private mutating func parseProlog() throws(XMLSyntaxFailure) {
        _ = scanner.consume("\u{FEFF}")
        guard scanner.hasPrefix("<?xml"), let next = scanner.peek(5), XMLByteScanner.isWhitespace(next) else { return }
        scanner.position += 5
        let context = "the XML declaration"
        // version, then optionally encoding, then optionally standalone, in that order.
        var stage = 0
        while true {
            let spaced = scanner.skipWhitespace()
            if scanner.consume("?>") { break }
            if scanner.isAtEnd { throw scanner.failure(.unexpectedEndOfInput(inside: context)) }
            guard spaced else { throw scanner.failure(.expected("whitespace or '?>'", inside: context)) }
            let nameStart = scanner.position
            let name = scanner.string(try scanner.scanName(after: "'<?xml'"))
            let value = try scanPseudoAttributeValue(inside: context)
            switch name {
            case "version" where stage == 0:
                guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy(\.isASCIIDigitForXML) else {
                    throw scanner.failure(.invalidXMLDeclaration("version \"\(value)\" is not 1.x"), at: nameStart)
                }
                stage = 1
            case "encoding" where stage == 1:
                guard ["utf-8", "utf8"].contains(value.lowercased()) else {
                    throw scanner.failure(.unsupportedEncoding(value), at: nameStart)
                }
                stage = 2
            case "standalone" where stage == 1 || stage == 2:
                guard value == "yes" || value == "no" else {
                    throw scanner.failure(.invalidXMLDeclaration("standalone must be yes or no"), at: nameStart)
                }
                stage = 3
            default:
                throw scanner.failure(.invalidXMLDeclaration("unexpected '\(name)'"), at: nameStart)
            }
        }
        if stage == 0 {
            throw scanner.failure(.invalidXMLDeclaration("version is missing"))
        }
    }

    private mutating func scanPseudoAttributeValue(inside context: String) throws(XMLSyntaxFailure) -> String {
        scanner.skipWhitespace()
        try scanner.require("=", inside: context)
        scanner.skipWhitespace()
        guard let quote = scanner.current else { throw scanner.failure(.unexpectedEndOfInput(inside: context)) }
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw scanner.failure(.expected("a quoted value", inside: context))
        }
        scanner.position += 1
        let start = scanner.position
        while let byte = scanner.current, byte != quote {
            guard byte < 0x80, byte != UInt8(ascii: "<") else { throw scanner.failure(.invalidXMLDeclaration("bad character in a value")) }
            scanner.position += 1
        }
        guard scanner.current == quote else { throw scanner.failure(.unexpectedEndOfInput(inside: context)) }
        let value = scanner.string(start..<scanner.position)
        scanner.position += 1
        return value
    }

    /// Everything after the prolog: markup and text until the end of the input.
    private mutating func parseBody() throws(XMLSyntaxFailure) {
        while let byte = scanner.current {
            if byte != UInt8(ascii: "<") {
                try parseText()
            } else if scanner.hasPrefix("<!--") {
                try skipComment()
            } else if scanner.hasPrefix("<![CDATA[") {
                try parseCDATA()
            } else if scanner.hasPrefix("<!DOCTYPE") {
                throw scanner.failure(.doctypeRefused)
            } else if scanner.hasPrefix("<!") {
                let cutShort = scanner.remainderIsPrefix(of: "<!--") || scanner.remainderIsPrefix(of: "<![CDATA[")
                    || scanner.remainderIsPrefix(of: "<!DOCTYPE")
                throw scanner.failure(cutShort ? .unexpectedEndOfInput(inside: "markup after '<!'") : .unsupportedMarkup)
            } else if scanner.hasPrefix("<?") {
                try skipProcessingInstruction()
            } else if scanner.hasPrefix("</") {
                try parseEndTag()
            } else if let next = scanner.peek(1), XMLByteScanner.isNameStart(next) {
                try parseStartTag()
            } else if scanner.peek(1) == nil {
                throw scanner.failure(.unexpectedEndOfInput(inside: "a tag"))
            } else {
                throw scanner.failure(.lessThanInText)
            }
        }
    }

    /// Character data up to the next '<'. Outside the root only whitespace is allowed.
    private mutating func parseText() throws(XMLSyntaxFailure) {
        guard !stack.isEmpty else {
            guard let byte = scanner.current, XMLByteScanner.isWhitespace(byte) else {
                throw scanner.failure(root == nil ? .textOutsideRoot : .contentAfterRoot)
            }
            scanner.skipWhitespace()
            return
        }
        var text = [UInt8]()
        swap(&text, &stack[stack.count - 1].text)
        defer { swap(&text, &stack[stack.count - 1].text) }
        while let byte = scanner.current {
            switch byte {
            case UInt8(ascii: "<"):
                return
            case UInt8(ascii: "&"):
                try scanner.copyReference(into: &text)
            case UInt8(ascii: "]") where scanner.hasPrefix("]]>"):
                throw scanner.failure(.cdataEndInText)
            case 0x20..<0x80 where byte != UInt8(ascii: "]"):
                let start = scanner.position
                scanner.position += 1
                while let next = scanner.current, next >= 0x20, next < 0x80,
                      next != UInt8(ascii: "<"), next != UInt8(ascii: "&"), next != UInt8(ascii: "]") {
                    scanner.position += 1
                }
                text.append(contentsOf: UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position]))
            default:
                try scanner.copyCharacter(into: &text)
            }
        }
    }

    private mutating func parseCDATA() throws(XMLSyntaxFailure) {
        guard !stack.isEmpty else {
            throw scanner.failure(root == nil ? .cdataOutsideRoot : .contentAfterRoot)
        }
        scanner.position += 9
        var text = [UInt8]()
        swap(&text, &stack[stack.count - 1].text)
        defer { swap(&text, &stack[stack.count - 1].text) }
        while !scanner.consume("]]>") {
            guard !scanner.isAtEnd else { throw scanner.failure(.unexpectedEndOfInput(inside: "a CDATA section")) }
            try scanner.copyCharacter(into: &text)
        }
    }

    private mutating func skipComment() throws(XMLSyntaxFailure) {
        scanner.position += 4
        while !scanner.hasPrefix("--") {
            guard !scanner.isAtEnd else { throw scanner.failure(.unexpectedEndOfInput(inside: "a comment")) }
            try scanner.skipCharacter()
        }
        guard scanner.consume("-->") else {
            if scanner.peek(2) == nil { throw scanner.failure(.unexpectedEndOfInput(inside: "a comment")) }
            throw scanner.failure(.doubleHyphenInComment)
        }
    }

    private mutating func skipProcessingInstruction() throws(XMLSyntaxFailure) {
        let start = scanner.position
        scanner.position += 2
        let target = scanner.string(try scanner.scanName(after: "'<?'"))
        guard target.lowercased() != "xml" else { throw scanner.failure(.misplacedXMLDeclaration, at: start) }
        // Targets starting with "xml" are reserved by the XML spec; namespaces forbid ':' in them.
        guard !target.contains(":"), !target.lowercased().hasPrefix("xml") || target == "xml-stylesheet" else {
            throw scanner.failure(.invalidProcessingInstructionTarget(target), at: start + 2)
        }
        if scanner.consume("?>") { return }
        guard scanner.skipWhitespace() else {
            if scanner.isAtEnd { throw scanner.failure(.unexpectedEndOfInput(inside: "a processing instruction")) }
            throw scanner.failure(.expected("whitespace or '?>'", inside: "the processing instruction <?\(target)"))
        }
        while !scanner.consume("?>") {
            guard !scanner.isAtEnd else { throw scanner.failure(.unexpectedEndOfInput(inside: "a processing instruction")) }
            try scanner.skipCharacter()
        }
    }

    // MARK: Tags

    private mutating func parseStartTag() throws(XMLSyntaxFailure) {
        guard root == nil else { throw scanner.failure(.contentAfterRoot) }
        guard stack.count < Self.maximumDepth else { throw scanner.failure(.nestingTooDeep(limit: Self.maximumDepth)) }
        scanner.position += 1
        let nameRange = try scanner.scanName(after: "'<'")
        let tagName = scanner.bytes[nameRange]
        var attributes: [String: String] = [:]
        var attributeNames: [(range: Range<Int>, name: String)] = []
        var seenNames: [String] = []
        var declaredPrefixCount = 0
        var selfClosing = false
        while true {
            let spaced = scanner.skipWhitespace()
            guard let byte = scanner.current else { throw scanner.failure(.unexpectedEndOfInput(inside: Self.startTag(tagName))) }
            if byte == UInt8(ascii: ">") {
                scanner.position += 1
                break
            }
            if byte == UInt8(ascii: "/") {
                scanner.position += 1
                try scanner.require(">", inside: Self.startTag(tagName))
                selfClosing = true
                break
            }
            guard spaced else { throw scanner.failure(.expected("whitespace, '>' or '/>'", inside: Self.startTag(tagName))) }
            let attributeRange = try scanner.scanName(after: "whitespace in \(Self.startTag(tagName))")
            let attributeName = scanner.string(attributeRange)
            scanner.skipWhitespace()
            try scanner.require("=", inside: Self.startTag(tagName))
            scanner.skipWhitespace()
            let value = try scanAttributeValue(inside: Self.startTag(tagName))
            guard !seenNames.contains(attributeName) else {
                throw scanner.failure(.duplicateAttribute(attributeName), at: attributeRange.lowerBound)
            }
            seenNames.append(attributeName)
            if attributeName == "xmlns" {
                continue  // the default namespace: names are matched on their local part
            }
            if attributeName.hasPrefix("xmlns:") {
                let prefix = String(attributeName.dropFirst(6))
                guard !prefix.isEmpty, !prefix.contains(":"), prefix != "xmlns", !value.isEmpty else {
                    throw scanner.failure(.invalidNamespaceDeclaration(attributeName), at: attributeRange.lowerBound)
                }
                boundPrefixes.append(prefix)
                declaredPrefixCount += 1
                continue
            }
            attributeNames.append((attributeRange, attributeName))
            attributes[attributeName] = value
        }
        // Prefixes are checked once all declarations of this tag are known.
        let localName = scanner.string(try localPart(of: nameRange, isElement: true))
        for attribute in attributeNames {
            _ = try localPart(of: attribute.range, isElement: false)
        }
        let opened = OpenElement(
            nameRange: nameRange,
            element: ParsedXMLElement(name: localName, attributes: attributes),
            declaredPrefixCount: declaredPrefixCount)
        stack.append(opened)
        if selfClosing {
            closeTopElement()
        }
    }

    private static func startTag(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        "the start tag <\(String(decoding: name, as: UTF8.self))>"
    }

    /// The local part of the qualified name at `range`; fails on a bad shape or an undeclared prefix.
    private func localPart(of range: Range<Int>, isElement: Bool) throws(XMLSyntaxFailure) -> Range<Int> {
        var colon: Int?
        for index in range where scanner.bytes[index] == UInt8(ascii: ":") {
            guard colon == nil else { throw scanner.failure(.invalidQualifiedName(scanner.string(range)), at: range.lowerBound) }
            colon = index
        }
        guard let colon else { return range }
        guard colon > range.lowerBound, colon < range.upperBound - 1 else {
            throw scanner.failure(.invalidQualifiedName(scanner.string(range)), at: range.lowerBound)
        }
        let prefix = scanner.string(range.lowerBound..<colon)
        guard prefix != "xmlns" || !isElement, boundPrefixes.contains(prefix) else {
            throw scanner.failure(.unboundPrefix(prefix), at: range.lowerBound)
        }
        return (colon + 1)..<range.upperBound
    }

    private mutating func scanAttributeValue(inside context: @autoclosure () -> String) throws(XMLSyntaxFailure) -> String {
        guard let quote = scanner.current else { throw scanner.failure(.unexpectedEndOfInput(inside: context())) }
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw scanner.failure(.expected("a quoted attribute value", inside: context()))
        }
        scanner.position += 1
        var value = [UInt8]()
        while let byte = scanner.current, byte != quote {
            switch byte {
            case UInt8(ascii: "<"):
                throw scanner.failure(.lessThanInAttributeValue)
            case UInt8(ascii: "&"):
                try scanner.copyReference(into: &value)
            case 0x09, 0x0A:
                value.append(0x20)
                scanner.position += 1
            case 0x0D:
                value.append(0x20)
                scanner.position += scanner.peek(1) == 0x0A ? 2 : 1
            default:
                try scanner.copyCharacter(into: &value)
            }
        }
        guard scanner.current == quote else { throw scanner.failure(.unexpectedEndOfInput(inside: context())) }
        scanner.position += 1
        return String(decoding: value, as: UTF8.self)
    }

    private mutating func parseEndTag() throws(XMLSyntaxFailure) {
        let tagStart = scanner.position
        scanner.position += 2
        let nameRange = try scanner.scanName(after: "'</'")
        let tagName = scanner.bytes[nameRange]
        scanner.skipWhitespace()
        try scanner.require(">", inside: "the closing tag </\(String(decoding: tagName, as: UTF8.self))>")
        guard let open = stack.last else {
            let name = scanner.string(nameRange)
            throw scanner.failure(root == nil ? .closingTagWithoutOpenElement(name) : .contentAfterRoot, at: tagStart)
        }
        guard scanner.bytesEqual(open.nameRange, nameRange) else {
            let problem = XMLSyntaxProblem.mismatchedClosingTag(found: scanner.string(nameRange), open: scanner.string(open.nameRange))
            throw scanner.failure(problem, at: tagStart)
        }
        closeTopElement()
    }

    /// Pops the innermost open element, handing it to `detached` when it sits at that path, else
    /// attaching it to its parent or making it the root.
    private mutating func closeTopElement() {
        guard var finished = stack.popLast() else { return }
        boundPrefixes.removeLast(finished.declaredPrefixCount)
        finished.element.text = String(decoding: finished.text, as: UTF8.self)
        if let detached, isDetached(finished.element, by: detached) {
            guard detachedFailure == nil else { return }
            do throws(XMLDecodingError) {
                try detached.consume(finished.element)
            } catch {
                detachedFailure = error
            }
        } else if stack.isEmpty {
            root = finished.element
        } else {
            stack[stack.count - 1].element.children.append(finished.element)
        }
    }

    /// Whether `element`, just popped, sits at `detached.path`: its name is the last step and the
    /// open elements above it are the steps before, from the root down.
    private func isDetached(_ element: ParsedXMLElement, by detached: XMLDetachedElements) -> Bool {
        guard detached.path.count == stack.count + 1, detached.path.last == element.name else { return false }
        return zip(stack, detached.path).allSatisfy { open, step in open.element.name == step }
    }
}

extension Character {
    fileprivate var isASCIIDigitForXML: Bool { ("0"..."9").contains(self) }
}
