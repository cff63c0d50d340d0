@testable import AWSClients
import Foundation
import Testing

@Suite struct XMLDocumentDecoderTests {
    static let wellFormed = #"""
    <?xml version="1.0" encoding="UTF-8"?>
    <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><RoleName>r &amp; s</RoleName><Tags><member><Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value><![CDATA[<x>]]></Value></member></Tags></Role></GetRoleResult></GetRoleResponse>
    """#

    @Test func decodesTreeWithEntitiesCDATAAndNamespaces() throws {
        let root = try XMLDocumentDecoder.decode(Data(Self.wellFormed.utf8), expectedRoot: "GetRoleResponse")
        #expect(root.name == "GetRoleResponse")
        #expect(root.text(at: ["GetRoleResult", "Role", "RoleName"]) == "r & s")
        let members = try root.requiredElement(at: ["GetRoleResult", "Role", "Tags"]).children(named: "member")
        #expect(members.map { $0.text(at: ["Value"]) } == ["1", "<x>"])
    }

    struct BadDocument: Sendable, CustomTestStringConvertible {
        let label: String
        let body: String
        let expectedRoot: String
        let check: @Sendable (XMLDecodingError) -> Bool
        var testDescription: String { label }
    }

    static let badDocuments: [BadDocument] = [
        BadDocument(label: "empty", body: "", expectedRoot: "A") { $0 == .emptyDocument },
        BadDocument(label: "whitespace only", body: " \n ", expectedRoot: "A") { $0 == .emptyDocument },
        BadDocument(label: "truncated mid-element", body: "<A><B>text", expectedRoot: "A") {
            if case .truncated = $0 { return true }
            if case .malformed = $0 { return true }
            return false
        },
        BadDocument(label: "truncated after a closed child", body: "<GetRoleResponse><GetRoleResult><Role></Role>", expectedRoot: "GetRoleResponse") {
            if case .truncated = $0 { return true }
            if case .malformed = $0 { return true }
            return false
        },
        BadDocument(label: "mismatched tags", body: "<A><B></A></B>", expectedRoot: "A") {
            if case .malformed = $0 { return true }
            return false
        },
        BadDocument(label: "not XML", body: "Internal Server Error", expectedRoot: "A") {
            if case .malformed = $0 { return true }
            return false
        },
        BadDocument(label: "HTML error page", body: "<html><body><h1>502 Bad Gateway</h1></body></html>", expectedRoot: "GetRoleResponse") {
            $0 == .unexpectedRoot(expected: "GetRoleResponse", found: "html")
        },
        BadDocument(label: "wrong root (an S3 answer)", body: #"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets/></ListAllMyBucketsResult>"#, expectedRoot: "GetCallerIdentityResponse") {
            $0 == .unexpectedRoot(expected: "GetCallerIdentityResponse", found: "ListAllMyBucketsResult")
        },
        BadDocument(label: "two roots", body: "<A></A><A></A>", expectedRoot: "A") {
            if case .malformed = $0 { return true }
            return false
        },
    ]

    @Test(arguments: badDocuments)
    func rejectsBadDocuments(_ document: BadDocument) {
        do {
            let root = try XMLDocumentDecoder.decode(Data(document.body.utf8), expectedRoot: document.expectedRoot)
            Issue.record("decoded \(root.name) from \(document.label); expected an error")
        } catch {
            #expect(document.check(error), "unexpected error \(error)")
        }
    }

    @Test func everyPrefixOfAValidDocumentIsRejected() throws {
        // Truncation anywhere must fail, never yield a partial tree.
        let bytes = Array(Self.wellFormed.utf8)
        let end = try #require(Self.wellFormed.range(of: "</GetRoleResponse>")).lowerBound.utf16Offset(in: Self.wellFormed)
        for cut in stride(from: 0, to: end, by: 7) {
            #expect(throws: XMLDecodingError.self, "prefix of \(cut) bytes") {
                try XMLDocumentDecoder.decode(Data(bytes[0..<cut]), expectedRoot: "GetRoleResponse")
            }
        }
    }

    @Test func typedAccessorsNameThePathOnBadValues() throws {
        let root = try XMLDocumentDecoder.decode(
            Data("<R><N>12x</N><B>maybe</B><D>2026-11-29T13:44:39.341081Z</D><E>yesterday</E></R>".utf8),
            expectedRoot: "R")
        #expect(throws: XMLDecodingError.invalidValue(path: "R/N", value: "12x", expected: "an integer")) {
            try root.integer(at: ["N"])
        }
        #expect(throws: XMLDecodingError.invalidValue(path: "R/B", value: "maybe", expected: "true or false")) {
            try root.boolean(at: ["B"])
        }
        #expect(throws: XMLDecodingError.missingElement(path: "R/Missing/Deeper")) {
            try root.requiredText(at: ["Missing", "Deeper"])
        }
        let date = try #require(try root.date(at: ["D"]))
        #expect(abs(date.timeIntervalSince1970 - 1_795_959_879.341081) < 0.000_01)
        #expect(throws: XMLDecodingError.self) { try root.date(at: ["E"]) }
    }

    @Test(arguments: [
        ("2026-11-29T13:44:39Z", 1_795_959_879.0),
        ("2026-11-29T13:44:39.5Z", 1_795_959_879.5),
        ("2026-11-29T14:44:39+01:00", 1_795_959_879.0),
        ("2026-11-29T13:44:39.341081Z", 1_795_959_879.341081),
    ])
    func parsesTimestamps(text: String, epoch: Double) throws {
        let date = try #require(ISO8601Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.000_01)
    }

    @Test(arguments: ["", "2026-11-29", "2026-11-29T13:44:39", "2026-13-29T13:44:39Z", "2026-11-29T13:44:39.Z"])
    func rejectsBadTimestamps(text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil)
    }
}
