@testable import AWSClients
import Foundation
import Testing

/// The parser hands the elements of one path to a consumer as they close and leaves them out of
/// the tree (what the drift pass's page of 1000 roles relies on), and only those elements.
@Suite struct XMLDetachedElementsTests {
    static let page = #"""
    <?xml version="1.0" encoding="UTF-8"?>
    <R xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Result><List><member><Name>a</Name><Tags><member><Name>t</Name></member></Tags></member><member><Name>b &amp; c</Name></member></List><member><Name>elsewhere</Name></member><Marker>next</Marker></Result></R>
    """#

    /// Decodes `body` detaching `path`, returning the tree and the `Name` of each element consumed.
    static func decode(_ body: String, path: [String], failOn failing: String? = nil) -> (Result<ParsedXMLElement, XMLDecodingError>, [String]) {
        // The consumer runs synchronously inside `decode`; a class box keeps what it saw.
        final class Seen { var names: [String] = [] }
        let seen = Seen()
        let detached = XMLDetachedElements(path: path) { element throws(XMLDecodingError) in
            let name = try element.requiredText(at: ["Name"])
            if name == failing { throw .invalidValue(path: "member/Name", value: name, expected: "not \(name)") }
            seen.names.append(name)
        }
        let result = Result { () throws(XMLDecodingError) in
            try XMLDocumentDecoder.decode(Data(body.utf8), expectedRoot: "R", detached: detached)
        }
        return (result, seen.names)
    }

    @Test func elementsAtThePathGoToTheConsumerInOrderAndLeaveTheTree() throws {
        let (result, names) = Self.decode(Self.page, path: ["R", "Result", "List", "member"])
        #expect(names == ["a", "b & c"])
        let root = try result.get()
        #expect(root.element(at: ["Result", "List"])?.children.isEmpty == true, "the detached members are not in the tree")
        #expect(root.text(at: ["Result", "Marker"]) == "next", "the rest of the document stays")
        #expect(root.element(at: ["Result"])?.children(named: "member").map { $0.text(at: ["Name"]) } == ["elsewhere"],
                "a member at another path stays in the tree")
        let (nestedResult, nestedNames) = Self.decode(Self.page, path: ["R", "Result", "List", "member", "Tags", "member"])
        #expect(nestedNames == ["t"], "a deeper path takes only its own elements")
        let nested = try #require(try nestedResult.get().element(at: ["Result", "List"])?.children.first)
        #expect(nested.text(at: ["Name"]) == "a")
        #expect(nested.element(at: ["Tags"])?.children.isEmpty == true)
    }

    @Test func withoutADetachedPathTheTreeIsTheUsualOne() throws {
        let plain = try XMLDocumentDecoder.decode(Data(Self.page.utf8), expectedRoot: "R")
        let (result, names) = Self.decode(Self.page, path: ["R", "Result", "Nothing", "member"])
        #expect(names.isEmpty)
        #expect(try result.get() == plain)
    }

    @Test func aWrongRootConsumesNothingAndFails() {
        let (result, names) = Self.decode(
            Self.page.replacingOccurrences(of: "<R ", with: "<Other ").replacingOccurrences(of: "</R>", with: "</Other>"),
            path: ["R", "Result", "List", "member"])
        #expect(names.isEmpty)
        #expect(throws: XMLDecodingError.unexpectedRoot(expected: "R", found: "Other")) { try result.get() }
    }

    @Test func theConsumersFirstErrorFailsTheDocumentAndStopsConsuming() {
        let (result, names) = Self.decode(Self.page, path: ["R", "Result", "List", "member"], failOn: "a")
        #expect(names.isEmpty, "nothing after the failing element is consumed")
        #expect(throws: XMLDecodingError.invalidValue(path: "member/Name", value: "a", expected: "not a")) { try result.get() }
    }

    @Test func theConsumersErrorComesBeforeALaterSyntaxError() {
        let broken = Self.page.replacingOccurrences(of: "<Marker>next</Marker>", with: "<Marker>next</Mark>")
        let (result, _) = Self.decode(broken, path: ["R", "Result", "List", "member"], failOn: "b & c")
        #expect(throws: XMLDecodingError.invalidValue(path: "member/Name", value: "b & c", expected: "not b & c")) { try result.get() }
        let (syntaxOnly, names) = Self.decode(broken, path: ["R", "Result", "List", "member"])
        #expect(names == ["a", "b & c"])
        let error = #expect(throws: XMLDecodingError.self) { try syntaxOnly.get() }
        guard case .malformed = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
    }
}
