@testable import AWSClients
import Foundation
import Testing
import TestSupport

/// Property: any element tree rendered to XML (with every legal way of escaping text) decodes back
/// to the same tree, and no strict prefix of such a document decodes at all.
@Suite struct XMLRoundTripPropertyTests {
    static let seeds: [UInt64] = Array(1...300)

    @Test(arguments: seeds)
    func renderedTreesDecodeToThemselves(seed: UInt64) throws {
        var generator = XMLTreeGenerator(seed: seed)
        let tree = generator.element(depth: 0)
        let document = generator.render(root: tree)
        let decoded = try XMLDocumentDecoder.decode(Data(document.utf8), expectedRoot: tree.name)
        #expect(decoded == tree, "seed \(seed): \(document)")
    }

    @Test(arguments: seeds.prefix(50))
    func everyPrefixOfARenderedTreeIsRejected(seed: UInt64) {
        var generator = XMLTreeGenerator(seed: seed)
        let tree = generator.element(depth: 0)
        let parts = generator.renderParts(root: tree)
        let bytes = Array((parts.prolog + parts.root + parts.trailer).utf8)
        // Every cut up to and including the root's final '>' leaves the root unclosed. Documents
        // run to kilobytes, so test the last 64 cuts and 200 random ones rather than all.
        let rootCloseIndex = parts.prolog.utf8.count + parts.root.utf8.count - 1
        var cutRandom = SeededRandomGenerator(seed: seed ^ 0x5EED)
        let randomCuts = (0..<200).map { _ in Int.random(in: 0...rootCloseIndex, using: &cutRandom) }
        for cut in Set(randomCuts + Array(max(0, rootCloseIndex - 63)...rootCloseIndex)) {
            do {
                let partial = try XMLDocumentDecoder.decode(Data(bytes[0..<cut]), expectedRoot: tree.name)
                Issue.record("seed \(seed): a \(cut)-byte prefix decoded to <\(partial.name)>")
            } catch {
                continue
            }
        }
    }
}

/// Builds random element trees and renders them as XML, choosing randomly among entities,
/// character references, CDATA sections, comments and whitespace so the decoder sees each form.
struct XMLTreeGenerator {
    private var random: SeededRandomGenerator
    /// Whether roots may carry AWS's default `xmlns` (libxml2 also judges the URI's syntax).
    var emitsDefaultNamespace = true

    init(seed: UInt64) {
        random = SeededRandomGenerator(seed: seed)
    }

    /// Text pieces chosen to need escaping or to be multi-byte UTF-8.
    private static let textAtoms: [String] = [
        "a", "Z", "0", " ", "\n", "\t", "\r", "<", ">", "&", "'", "\"", "]]>", "]", "--", "é", "日本語", "😀", "𝄞",
        "ロール", "%7B%22", "&amp;", "<x/>", "?>", "\u{7F}", "\u{A0}", "\u{FFFD}",
    ]
    private static let nameStarts = Array("abcxyzABCXYZ_名")
    private static let nameCharacters = Array("abcxyzABCXYZ_0123456789.-名")

    mutating func element(depth: Int) -> ParsedXMLElement {
        var element = ParsedXMLElement(name: name())
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            let attributeName = name()
            if attributeName != "xmlns", !attributeName.hasPrefix("xmlns") {
                element.attributes[attributeName] = text(maximumAtoms: 4)
            }
        }
        let childCount = depth >= 4 ? 0 : Int.random(in: 0...3, using: &random)
        for _ in 0..<childCount {
            element.children.append(self.element(depth: depth + 1))
        }
        element.text = text(maximumAtoms: 6)
        return element
    }

    mutating func render(root: ParsedXMLElement) -> String {
        let parts = renderParts(root: root)
        return parts.prolog + parts.root + parts.trailer
    }

    /// The document in three parts: declaration and misc, the root element, trailing misc.
    mutating func renderParts(root: ParsedXMLElement) -> (prolog: String, root: String, trailer: String) {
        var prolog = ""
        if Bool.random(using: &random) {
            prolog += #"<?xml version="1.0" encoding="UTF-8"?>"#
        }
        prolog += misc()
        let rendered = render(root, isRoot: true)
        return (prolog, rendered, misc())
    }

    private mutating func render(_ element: ParsedXMLElement, isRoot: Bool) -> String {
        var output = "<" + element.name
        if isRoot, emitsDefaultNamespace, Bool.random(using: &random) {
            output += #" xmlns="https://iam.amazonaws.com/doc/2010-05-08/""#
        }
        for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) {
            let quote = Bool.random(using: &random) ? "\"" : "'"
            output += " " + name + spaces() + "=" + spaces() + quote + escapeAttribute(value) + quote
        }
        output += spaces()
        if element.children.isEmpty, element.text.isEmpty, Bool.random(using: &random) {
            return output + "/>"
        }
        output += ">"
        // Split the text at random points and interleave the pieces with the children.
        var pieces = split(element.text, into: element.children.count + 1)
        for child in element.children {
            output += escapeText(pieces.removeFirst()) + render(child, isRoot: false)
        }
        output += escapeText(pieces.removeFirst())
        return output + "</" + element.name + spaces() + ">"
    }

    private mutating func name() -> String {
        var name = String(Self.nameStarts[Int.random(in: 0..<Self.nameStarts.count, using: &random)])
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            name.append(Self.nameCharacters[Int.random(in: 0..<Self.nameCharacters.count, using: &random)])
        }
        return name
    }

    private mutating func text(maximumAtoms: Int) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...maximumAtoms, using: &random) {
            text += Self.textAtoms[Int.random(in: 0..<Self.textAtoms.count, using: &random)]
        }
        return text
    }

    private mutating func split(_ text: String, into count: Int) -> [String] {
        let characters = Array(text.unicodeScalars)
        var cuts = (0..<(count - 1)).map { _ in Int.random(in: 0...characters.count, using: &random) }.sorted()
        cuts.append(characters.count)
        var pieces: [String] = []
        var start = 0
        for cut in cuts {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: characters[start..<cut])
            pieces.append(String(piece))
            start = cut
        }
        return pieces
    }

    /// Escapes text content, sometimes as one CDATA section, else scalar by scalar.
    private mutating func escapeText(_ text: String) -> String {
        var output = ""
        if !text.isEmpty, !text.contains("\r"), !text.contains("]]>"), Int.random(in: 0..<4, using: &random) == 0 {
            output = "<![CDATA[" + text + "]]>"
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "<": output += pick(["&lt;", "&#60;", "&#x3C;"])
                case "&": output += pick(["&amp;", "&#38;", "&#x26;"])
                case ">": output += pick(["&gt;", "&#62;"])
                case "\r": output += pick(["&#13;", "&#xD;"])
                default: output += reference(scalar, probability: 8) ?? String(scalar)
                }
            }
        }
        return output + (Int.random(in: 0..<5, using: &random) == 0 ? "<!-- a comment - with <tags> & -->" : "")
    }

    private mutating func escapeAttribute(_ value: String) -> String {
        var output = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": output += "&lt;"
            case "&": output += "&amp;"
            case "\"": output += pick(["&quot;", "&#34;"])
            case "'": output += pick(["&apos;", "&#39;"])
            case "\t": output += "&#9;"
            case "\n": output += "&#10;"
            case "\r": output += "&#xD;"
            default: output += reference(scalar, probability: 8) ?? String(scalar)
            }
        }
        return output
    }

    /// A decimal or hex character reference for `scalar`, one time in `probability`.
    private mutating func reference(_ scalar: Unicode.Scalar, probability: Int) -> String? {
        guard Int.random(in: 0..<probability, using: &random) == 0 else { return nil }
        return Bool.random(using: &random)
            ? "&#\(scalar.value);"
            : "&#x\(String(scalar.value, radix: 16, uppercase: Bool.random(using: &random)));"
    }

    private mutating func pick(_ choices: [String]) -> String {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }

    private mutating func spaces() -> String {
        pick(["", "", "", " ", "\n  ", "\t"])
    }

    private mutating func misc() -> String {
        pick(["", "\n", "<!-- note -->", "\n<?trace id=\"1\"?>\n"])
    }
}
