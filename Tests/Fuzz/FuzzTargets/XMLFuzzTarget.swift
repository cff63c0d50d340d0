import AWSClients
import Foundation

/// The XML parser that reads every IAM and STS response body (`XMLDocumentDecoder`). Beyond not
/// trapping: a document either yields a root or a typed error; asking for the root it found
/// succeeds with the same tree and asking for another root fails with `unexpectedRoot`; the tree
/// respects the parser's depth limit; and writing the tree back as XML parses to the same tree.
enum XMLFuzzTarget {
    /// `XMLTreeParser.maximumDepth`: deeper documents must be refused, not built.
    static let depthLimit = 256

    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let body = Data(bytes)
        let root: ParsedXMLElement
        do {
            root = try XMLDocumentDecoder.decode(body, expectedRoot: nil)
        } catch {
            return check(error, for: body)
        }
        if depth(of: root) > depthLimit {
            return FuzzFinding(.xml, "accepted a tree \(depth(of: root)) elements deep; the limit is \(depthLimit)")
        }
        do {
            let again = try XMLDocumentDecoder.decode(body, expectedRoot: root.name)
            guard again == root else { return FuzzFinding(.xml, "decoding twice built two different trees") }
        } catch {
            return FuzzFinding(.xml, "rejected its own root <\(root.name.escapedForFinding())> when asked for it: \(error)")
        }
        let otherRoot = root.name + "Other"
        do {
            _ = try XMLDocumentDecoder.decode(body, expectedRoot: otherRoot)
            return FuzzFinding(.xml, "accepted root <\(root.name.escapedForFinding())> where <\(otherRoot.escapedForFinding())> was expected")
        } catch {
            guard error == .unexpectedRoot(expected: otherRoot, found: root.name) else {
                return FuzzFinding(.xml, "a wrong root gave \(error), not unexpectedRoot")
            }
        }
        let written = XMLTreeWriter.document(root)
        do {
            let reread = try XMLDocumentDecoder.decode(Data(written.utf8), expectedRoot: nil)
            guard reread == root else {
                return FuzzFinding(.xml, "the tree written back as \(written.escapedForFinding()) parses to a different tree")
            }
        } catch {
            return FuzzFinding(.xml, "the tree written back as \(written.escapedForFinding()) does not parse: \(error)")
        }
        return nil
    }

    /// A refused document: the error must be one the parser produces and point into the input.
    private static func check(_ error: XMLDecodingError, for body: Data) -> FuzzFinding? {
        switch error {
        case .emptyDocument:
            guard body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
                return FuzzFinding(.xml, "called a document with content empty")
            }
        case .malformed(let line, let column, let reason):
            let lineCount = body.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            guard line >= 1, line <= lineCount, column >= 1, !reason.isEmpty else {
                return FuzzFinding(.xml, "malformed at line \(line) column \(column) of a \(lineCount)-line document (\(reason))")
            }
        case .truncated(let openElements):
            guard !openElements.isEmpty, openElements.count <= depthLimit else {
                return FuzzFinding(.xml, "truncated with \(openElements.count) open elements")
            }
        case .unexpectedRoot, .missingElement, .invalidValue:
            return FuzzFinding(.xml, "decoding without an expected root failed with \(error)")
        }
        return nil
    }

    private static func depth(of element: ParsedXMLElement) -> Int {
        1 + (element.children.map(depth(of:)).max() ?? 0)
    }
}
