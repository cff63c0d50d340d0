import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Strict XML decoding for AWS responses. `XMLParser.parse()` reports success on truncated and
/// some malformed input, so a document counts as valid only when the parser recorded no error,
/// every element that opened also closed, and the root element is the one the caller expects.
public enum XMLDocumentDecoder {
    /// Decodes `data` into a tree; `expectedRoot` (a local name) must be the document's root,
    /// or any root when `nil`.
    public static func decode(_ data: Data, expectedRoot: String?) throws(XMLDecodingError) -> ParsedXMLElement {
        guard data.contains(where: { !isXMLWhitespace($0) }) else { throw .emptyDocument }

        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let parsed = parser.parse()

        if let failure = builder.failure ?? parser.parserError.map({ _ in builder.describeParserError(parser) }) {
            throw failure
        }
        if !parsed {
            throw builder.describeParserError(parser)
        }
        if !builder.openElements.isEmpty {
            throw .truncated(openElements: builder.openElements.map(\.name))
        }
        guard let root = builder.root else { throw .emptyDocument }
        if let expectedRoot, root.name != expectedRoot {
            throw .unexpectedRoot(expected: expectedRoot, found: root.name)
        }
        return root
    }

    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Builds the element tree from parser callbacks. Used by one parse on one thread only.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var openElements: [ParsedXMLElement] = []
    var root: ParsedXMLElement?
    var failure: XMLDecodingError?

    func describeParserError(_ parser: XMLParser) -> XMLDecodingError {
        let reason = parser.parserError.map { String(describing: $0) } ?? "the parser stopped without a reason"
        return .malformed(line: parser.lineNumber, column: parser.columnNumber, reason: reason)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        if root != nil && openElements.isEmpty {
            failure = .malformed(
                line: parser.lineNumber, column: parser.columnNumber, reason: "content after the root element")
            parser.abortParsing()
            return
        }
        openElements.append(ParsedXMLElement(name: localName(elementName), attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let finished = openElements.popLast(), finished.name == localName(elementName) else {
            failure = .malformed(
                line: parser.lineNumber, column: parser.columnNumber, reason: "unbalanced closing tag </\(elementName)>")
            parser.abortParsing()
            return
        }
        if openElements.isEmpty {
            root = finished
        } else {
            openElements[openElements.count - 1].children.append(finished)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !openElements.isEmpty else { return }
        openElements[openElements.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !openElements.isEmpty else { return }
        openElements[openElements.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil {
            failure = .malformed(line: parser.lineNumber, column: parser.columnNumber, reason: String(describing: parseError))
        }
    }

    private func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}
