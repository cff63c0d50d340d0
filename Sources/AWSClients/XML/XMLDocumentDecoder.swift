import Foundation

/// Strict XML decoding for AWS Query-API responses, with our own parser so the operator does not
/// load Foundation's XML library with libxml2 and the system ICU. A document is valid only when it
/// is well-formed UTF-8 XML without a DTD, every element that opened also closed, and the root is
/// the one the caller expects.
public enum XMLDocumentDecoder {
    /// Decodes `body` into a tree; `expectedRoot` (a local name) must be the document's root,
    /// or any root when `nil`.
    public static func decode(_ body: Data, expectedRoot: String?) throws(XMLDecodingError) -> ParsedXMLElement {
        try decode(body, expectedRoot: expectedRoot, detached: nil)
    }

    /// Decodes `body` into a tree as above, except that the elements at `detached.path` go to
    /// `detached.consume` as they close and are left out of the tree.
    static func decode(_ body: Data, expectedRoot: String?, detached: XMLDetachedElements?) throws(XMLDecodingError) -> ParsedXMLElement {
        guard body.contains(where: { !XMLByteScanner.isWhitespace($0) }) else { throw .emptyDocument }
        let parsed = body.withUnsafeBytes { raw in
            var parser = XMLTreeParser(bytes: raw.bindMemory(to: UInt8.self), detached: detached)
            return parser.parseDocument()
        }
        let root = try parsed.get()
        if let expectedRoot, root.name != expectedRoot {
            throw .unexpectedRoot(expected: expectedRoot, found: root.name)
        }
        return root
    }
}
