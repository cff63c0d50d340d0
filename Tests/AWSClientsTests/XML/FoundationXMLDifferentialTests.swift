#if canImport(FoundationXML)
@testable import AWSClients
import Foundation
import FoundationXML
import Testing
import TestSupport

/// Differential check against the decoder AWSClients used before (FoundationXML's `XMLParser`,
/// i.e. libxml2): on valid documents both must build the same tree, so replacing it changed no
/// answer the IAM and STS clients read. Only the tests link FoundationXML; the product does not.
@Suite struct FoundationXMLDifferentialTests {
    @Test(arguments: Array(UInt64(1001)...1150))
    func sameTreeAsLibxml2(seed: UInt64) throws {
        var generator = XMLTreeGenerator(seed: seed)
        let tree = generator.element(depth: 0)
        let document = Data(generator.render(root: tree).utf8)
        let ours = try XMLDocumentDecoder.decode(document, expectedRoot: nil)
        let reference = try #require(LibXML2TreeBuilder.parse(document), "libxml2 rejected seed \(seed)")
        #expect(ours == reference, "seed \(seed)")
    }

    /// Fuzz: damage a valid document with random byte edits. Whatever we accept, libxml2 must
    /// accept too and build the same tree, so we are never laxer than the parser we replaced.
    @Test(arguments: Array(UInt64(2001)...2200))
    func neverAcceptWhatLibxml2Rejects(seed: UInt64) throws {
        var generator = XMLTreeGenerator(seed: seed)
        generator.emitsDefaultNamespace = false
        let tree = generator.element(depth: 2)
        let original = Array(generator.render(root: tree).utf8)
        var random = SeededRandomGenerator(seed: seed)
        let damage: [UInt8] = Array("<>&/\"';:!?-]x #".utf8) + [0xFF, 0xC3, 0x80, 0x00]
        for _ in 0..<60 {
            var mutated = original
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let index = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated.remove(at: index)
                case 1: mutated.insert(damage[Int.random(in: 0..<damage.count, using: &random)], at: index)
                default: mutated[index] = damage[Int.random(in: 0..<damage.count, using: &random)]
                }
            }
            let body = Data(mutated)
            guard let ours = try? XMLDocumentDecoder.decode(body, expectedRoot: nil) else { continue }
            let reference = LibXML2TreeBuilder.parse(body)
            #expect(reference == ours, "seed \(seed): we accepted \(String(decoding: mutated, as: UTF8.self).debugDescription)")
        }
    }

    @Test func sameTreeForNamespacesAndWhitespace() throws {
        let document = Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <iam:R xmlns:iam="urn:iam" xmlns="urn:d" a="1">
          <iam:B>x</iam:B>
          <C>日本 &amp; <![CDATA[<y>]]></C>
        </iam:R>
        """.utf8)
        let ours = try XMLDocumentDecoder.decode(document, expectedRoot: "R")
        #expect(ours == LibXML2TreeBuilder.parse(document))
    }
}

/// The tree the previous FoundationXML-based decoder built, for comparison.
private final class LibXML2TreeBuilder: NSObject, XMLParserDelegate {
    private var open: [ParsedXMLElement] = []
    private var root: ParsedXMLElement?

    static func parse(_ data: Data) -> ParsedXMLElement? {
        let builder = LibXML2TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), parser.parserError == nil, builder.open.isEmpty else { return nil }
        return builder.root
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        open.append(ParsedXMLElement(name: Self.localName(elementName), attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let finished = open.popLast() else { return }
        if open.isEmpty {
            root = finished
        } else {
            open[open.count - 1].children.append(finished)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !open.isEmpty else { return }
        open[open.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !open.isEmpty else { return }
        open[open.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}
#endif
