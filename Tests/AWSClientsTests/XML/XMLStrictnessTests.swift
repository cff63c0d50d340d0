@testable import AWSClients
import Foundation
import Testing

/// Every kind of malformed body the decoder must refuse, with the exact error (what and where).
@Suite struct XMLStrictnessTests {
    typealias Case = XMLCase<XMLDecodingError>

    static func malformed(_ line: Int, _ column: Int, _ problem: XMLSyntaxProblem) -> XMLDecodingError {
        .malformed(line: line, column: column, reason: problem.description)
    }

    static let cases: [Case] = [
        // Truncation: inside the root it names the open elements, before it the position.
        Case("truncated in text", "<A><B>text", .truncated(openElements: ["A", "B"])),
        Case("truncated in a start tag", #"<A><B x="1"#, .truncated(openElements: ["A"])),
        Case("truncated in a closing tag", "<A><B></B", .truncated(openElements: ["A", "B"])),
        Case("truncated in an entity", "<A>x &am", .truncated(openElements: ["A"])),
        Case("truncated in a character reference", "<A>x &#x4", .truncated(openElements: ["A"])),
        Case("truncated in CDATA", "<A><![CDATA[abc", .truncated(openElements: ["A"])),
        Case("truncated in a comment", "<A><!-- abc", .truncated(openElements: ["A"])),
        Case("truncated in a multi-byte character", Array("<A>日".utf8.dropLast()), .truncated(openElements: ["A"])),
        Case("truncated after '<'", "<A><", .truncated(openElements: ["A"])),
        Case("truncated in '<!--'", "<A><!-", .truncated(openElements: ["A"])),
        Case("truncated in '<![CDATA['", "<A><![CD", .truncated(openElements: ["A"])),
        Case("truncated in the root start tag", "<GetRo",
             malformed(1, 7, .unexpectedEndOfInput(inside: "the start tag <GetRo>"))),
        Case("declaration only", #"<?xml version="1.0"?>"#, malformed(1, 22, .noRootElement)),
        // Stray content after the root.
        Case("text after the root", "<A></A>junk", malformed(1, 8, .contentAfterRoot)),
        Case("second root", "<A></A><A></A>", malformed(1, 8, .contentAfterRoot)),
        Case("closing tag after the root", "<A></A></A>", malformed(1, 8, .contentAfterRoot)),
        Case("CDATA after the root", "<A/><![CDATA[x]]>", malformed(1, 5, .contentAfterRoot)),
        Case("text before the root", "Internal Server Error", malformed(1, 1, .textOutsideRoot)),
        Case("CDATA before the root", "<![CDATA[x]]><A/>", malformed(1, 1, .cdataOutsideRoot)),
        // Balance.
        Case("mismatched tags", "<A><B></A></B>", malformed(1, 7, .mismatchedClosingTag(found: "A", open: "B"))),
        Case("mismatch on a later line", "<A>\n  <B>\n  </C>\n</A>", malformed(3, 3, .mismatchedClosingTag(found: "C", open: "B"))),
        Case("prefix differs in the closing tag", #"<p:A xmlns:p="u" xmlns:q="u"></q:A>"#,
             malformed(1, 30, .mismatchedClosingTag(found: "q:A", open: "p:A"))),
        Case("closing tag first", "</A>", malformed(1, 1, .closingTagWithoutOpenElement("A"))),
        // Entities and references.
        Case("undefined entity", "<A>&nbsp;</A>", malformed(1, 4, .undefinedEntity("nbsp"))),
        Case("undefined entity after Japanese text", "<A>日本語 &bad;</A>", malformed(1, 8, .undefinedEntity("bad"))),
        Case("bare ampersand", "<A>a & b</A>", malformed(1, 6, .unterminatedReference)),
        Case("entity without semicolon", "<A>&amp b</A>", malformed(1, 4, .unterminatedReference)),
        Case("character reference to NUL", "<A>&#0;</A>", malformed(1, 4, .invalidCharacterReference("#0"))),
        Case("character reference to a surrogate", "<A>&#xD800;</A>", malformed(1, 4, .invalidCharacterReference("#xD800"))),
        Case("character reference to U+FFFE", "<A>&#xFFFE;</A>", malformed(1, 4, .invalidCharacterReference("#xFFFE"))),
        Case("character reference past Unicode", "<A>&#x110000;</A>", malformed(1, 4, .invalidCharacterReference("#x110000"))),
        Case("huge character reference", "<A>&#99999999999999999999;</A>",
             malformed(1, 4, .invalidCharacterReference("#99999999999999…"))),
        Case("non-digit in a character reference", "<A>&#12a;</A>", malformed(1, 4, .invalidCharacterReference("#12a"))),
        Case("uppercase X in a hex reference", "<A>&#X41;</A>", malformed(1, 4, .invalidCharacterReference("#X41"))),
        Case("empty character reference", "<A>&#;</A>", malformed(1, 4, .invalidCharacterReference("#"))),
        // Markup in text.
        Case("'<' in text", "<A>1 < 2</A>", malformed(1, 6, .lessThanInText)),
        Case("']]>' in text", "<A>a]]>b</A>", malformed(1, 5, .cdataEndInText)),
        Case("'--' in a comment", "<A><!-- a -- b --></A>", malformed(1, 11, .doubleHyphenInComment)),
        Case("element declaration in content", "<A><!ELEMENT x></A>", malformed(1, 4, .unsupportedMarkup)),
        // DTDs are refused outright.
        Case("DOCTYPE with entities", "<?xml version=\"1.0\"?>\n<!DOCTYPE A [<!ENTITY x \"y\">]><A>&x;</A>",
             malformed(2, 1, .doctypeRefused)),
        Case("DOCTYPE inside the root", "<A><!DOCTYPE A></A>", malformed(1, 4, .doctypeRefused)),
        // Encoding and characters.
        Case("invalid UTF-8 lead byte", Array("<A>".utf8) + [0xFF] + Array("</A>".utf8), malformed(1, 4, .invalidUTF8(byte: 0xFF))),
        Case("overlong UTF-8", Array("<A>".utf8) + [0xC0, 0xAF] + Array("</A>".utf8), malformed(1, 4, .invalidUTF8(byte: 0xC0))),
        Case("UTF-8-encoded surrogate", Array("<A>".utf8) + [0xED, 0xA0, 0x80] + Array("</A>".utf8), malformed(1, 5, .invalidUTF8(byte: 0xA0))),
        Case("lone continuation byte", Array("<A>".utf8) + [0x80] + Array("</A>".utf8), malformed(1, 4, .invalidUTF8(byte: 0x80))),
        Case("invalid UTF-8 in a name", Array("<A".utf8) + [0xFE] + Array("/>".utf8), malformed(1, 3, .invalidUTF8(byte: 0xFE))),
        Case("control character in text", "<A>\u{01}</A>", malformed(1, 4, .invalidCharacter(scalar: 1))),
        Case("U+FFFF in text", "<A>\u{FFFF}</A>", malformed(1, 4, .invalidCharacter(scalar: 0xFFFF))),
        Case("non-UTF-8 encoding declared", #"<?xml version="1.0" encoding="ISO-8859-1"?><A/>"#,
             malformed(1, 21, .unsupportedEncoding("ISO-8859-1"))),
        Case("XML declaration not at the start", #" <?xml version="1.0"?><A/>"#, malformed(1, 2, .misplacedXMLDeclaration)),
        Case("truncated XML declaration", #"<?xml version="1.0""#,
             malformed(1, 20, .unexpectedEndOfInput(inside: "the XML declaration"))),
        Case("XML version 2.0", #"<?xml version="2.0"?><A/>"#, malformed(1, 7, .invalidXMLDeclaration(#"version "2.0" is not 1.x"#))),
        Case("bad standalone value", #"<?xml version="1.0" standalone="maybe"?><A/>"#,
             malformed(1, 21, .invalidXMLDeclaration("standalone must be yes or no"))),
        Case("colon in a processing instruction target", "<A/><?a:b x?>", malformed(1, 7, .invalidProcessingInstructionTarget("a:b"))),
        Case("reserved processing instruction target", "<?xml-x a?><A/>", malformed(1, 3, .invalidProcessingInstructionTarget("xml-x"))),
        Case("XML declaration without version", #"<?xml encoding="UTF-8"?><A/>"#,
             malformed(1, 7, .invalidXMLDeclaration("unexpected 'encoding'"))),
        // Tags and attributes.
        Case("unbound prefix", "<x:A></x:A>", malformed(1, 2, .unboundPrefix("x"))),
        Case("unbound attribute prefix", #"<A x:y="1"/>"#, malformed(1, 4, .unboundPrefix("x"))),
        Case("two colons in a name", #"<a:b:c xmlns:a="u"/>"#, malformed(1, 2, .invalidQualifiedName("a:b:c"))),
        Case("duplicate attribute", #"<A a="1" a="2"/>"#, malformed(1, 10, .duplicateAttribute("a"))),
        Case("duplicate namespace declaration", #"<A xmlns:p="u" xmlns:p="v"/>"#, malformed(1, 16, .duplicateAttribute("xmlns:p"))),
        Case("'<' in an attribute value", #"<A a="<"/>"#, malformed(1, 7, .lessThanInAttributeValue)),
        Case("unquoted attribute value", "<A a=1/>", malformed(1, 6, .expected("a quoted attribute value", inside: "the start tag <A>"))),
        Case("attribute without whitespace", #"<A a="1"b="2"/>"#,
             malformed(1, 9, .expected("whitespace, '>' or '/>'", inside: "the start tag <A>"))),
        Case("empty namespace prefix binding", #"<A xmlns:p=""/>"#, malformed(1, 4, .invalidNamespaceDeclaration("xmlns:p"))),
        Case("no name after '<'", "<A>< B/></A>", malformed(1, 4, .lessThanInText)),
        Case("nesting too deep", String(repeating: "<a>", count: 257), malformed(1, 769, .nestingTooDeep(limit: 256))),
    ]

    @Test(arguments: cases)
    func rejectsWithTheExactError(_ testCase: Case) {
        #expect(throws: testCase.expected) {
            try XMLDocumentDecoder.decode(Data(testCase.body), expectedRoot: nil)
        }
    }

    @Test func errorDescriptionsSayWhatAndWhere() {
        let error = XMLStrictnessTests.malformed(3, 3, .mismatchedClosingTag(found: "C", open: "B"))
        #expect(error.description == "the response is not well-formed XML (line 3, column 3): closing tag </C> does not match the open element <B>")
        let doctype = XMLStrictnessTests.malformed(2, 1, .doctypeRefused)
        #expect(doctype.description.contains("(line 2, column 1)"))
        #expect(doctype.description.contains("<!DOCTYPE"))
    }

    @Test func deepButAllowedNestingDecodes() throws {
        let depth = XMLTreeParser.maximumDepth
        let body = String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        var element = try XMLDocumentDecoder.decode(Data(body.utf8), expectedRoot: "a")
        for _ in 1..<depth {
            element = try #require(element.child("a"))
        }
        #expect(element.text == "x")
        #expect(element.children.isEmpty)
    }
}
