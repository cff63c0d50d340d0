@testable import AWSClients
import Foundation
import Testing

/// What the decoder must read: the constructs AWS and moto send, decoded to exact trees.
@Suite struct XMLContentTests {
    typealias Case = XMLCase<ParsedXMLElement>

    static let cases: [Case] = [
        Case("the five predefined entities", "<A>&lt;&gt;&amp;&apos;&quot;</A>", ParsedXMLElement(name: "A", text: "<>&'\"")),
        Case("decimal and hex character references", "<A>&#65;&#x42;&#x63;&#233;&#x1F600;&#x65e5;</A>",
             ParsedXMLElement(name: "A", text: "ABcé😀日")),
        Case("character references with leading zeros", "<A>&#0065;&#x0000000041;</A>", ParsedXMLElement(name: "A", text: "AA")),
        Case("character reference to CR survives", "<A>a&#13;&#10;b</A>", ParsedXMLElement(name: "A", text: "a\r\nb")),
        Case("CDATA keeps markup literally", "<A>x<![CDATA[<b>&amp;]]]>y</A>", ParsedXMLElement(name: "A", text: "x<b>&amp;]y")),
        Case("empty CDATA", "<A><![CDATA[]]></A>", ParsedXMLElement(name: "A")),
        Case("comments anywhere", "<!-- before --><A>a<!-- <B> & -->b<!----></A><!-- after -->",
             ParsedXMLElement(name: "A", text: "ab")),
        Case("processing instructions are skipped", #"<?xml version="1.0"?><?style href="x"?><A><?pi?></A><?end x?>"#,
             ParsedXMLElement(name: "A")),
        Case("moto's declaration", #"<?xml version="1.0" encoding="utf-8"?>"# + "\n<A/>", ParsedXMLElement(name: "A")),
        Case("standalone declaration with single quotes", "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><A/>",
             ParsedXMLElement(name: "A")),
        Case("byte order mark", [0xEF, 0xBB, 0xBF] + Array("<A>x</A>".utf8), ParsedXMLElement(name: "A", text: "x")),
        Case("Japanese role description", "<Role><Description>読み取り専用のロール（監査用）</Description></Role>",
             ParsedXMLElement(name: "Role", children: [ParsedXMLElement(name: "Description", text: "読み取り専用のロール（監査用）")])),
        Case("four-byte characters and non-ASCII names", "<Ä><名前>😀 𝄞</名前></Ä>",
             ParsedXMLElement(name: "Ä", children: [ParsedXMLElement(name: "名前", text: "😀 𝄞")])),
        Case("whitespace between elements is kept as the parent's text", "<A>\n  <B>x</B>\n  <C/>\n</A>",
             ParsedXMLElement(name: "A", text: "\n  \n  \n", children: [ParsedXMLElement(name: "B", text: "x"), ParsedXMLElement(name: "C")])),
        Case("line endings are normalised", "<A>a\r\nb\rc</A>", ParsedXMLElement(name: "A", text: "a\nb\nc")),
        Case("default namespace and prefixes match on the local name",
             #"<p:A xmlns="urn:d" xmlns:p="urn:p"><B/><p:C>t</p:C></p:A>"#,
             ParsedXMLElement(name: "A", children: [ParsedXMLElement(name: "B"), ParsedXMLElement(name: "C", text: "t")])),
        Case("attributes are read, namespace declarations are not",
             "<A xmlns=\"urn:d\" xmlns:p=\"urn:p\" p:id=\"1\" plain='v &amp; \"w\"' tabbed=\"a\tb\nc\" xml:lang=\"ja\"/>",
             ParsedXMLElement(name: "A", attributes: ["p:id": "1", "plain": "v & \"w\"", "tabbed": "a b c", "xml:lang": "ja"])),
        Case("whitespace inside tags", "<A  a = \"1\"  ><B\n/></A  >",
             ParsedXMLElement(name: "A", attributes: ["a": "1"], children: [ParsedXMLElement(name: "B")])),
        Case("'>' is allowed in text", "<A>a > b ]] c</A>", ParsedXMLElement(name: "A", text: "a > b ]] c")),
        Case("names with digits, dots and dashes", "<a-1.b_c/>", ParsedXMLElement(name: "a-1.b_c")),
        Case("prefix declared on an ancestor", #"<x:A xmlns:x="u"><x:B><x:C/></x:B></x:A>"#,
             ParsedXMLElement(name: "A", children: [ParsedXMLElement(name: "B", children: [ParsedXMLElement(name: "C")])])),
    ]

    @Test(arguments: cases)
    func decodesExactly(_ testCase: Case) throws {
        let root = try XMLDocumentDecoder.decode(Data(testCase.body), expectedRoot: nil)
        #expect(root == testCase.expected)
    }

    @Test func prefixScopeEndsWithItsElement() {
        // `x` is bound only inside <B>; using it on a sibling afterwards is an error.
        let body = #"<A><B xmlns:x="u"><x:C/></B><x:D/></A>"#
        #expect(throws: XMLDecodingError.malformed(line: 1, column: 30, reason: XMLSyntaxProblem.unboundPrefix("x").description)) {
            try XMLDocumentDecoder.decode(Data(body.utf8), expectedRoot: "A")
        }
    }

    @Test func expectedRootMatchesTheLocalName() throws {
        let body = #"<iam:GetRoleResponse xmlns:iam="https://iam.amazonaws.com/doc/2010-05-08/"/>"#
        let root = try XMLDocumentDecoder.decode(Data(body.utf8), expectedRoot: "GetRoleResponse")
        #expect(root.name == "GetRoleResponse")
        #expect(root.attributes.isEmpty)
    }

    /// A GetRole answer as moto 5 writes it (URL-encoded trust policy, microsecond dates, tags).
    @Test func decodesAMotoGetRoleResponse() throws {
        let body = """
        <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetRoleResult>
            <Role>
              <Path>/</Path>
              <Arn>arn:aws:iam::123456789012:role/app</Arn>
              <RoleName>app</RoleName>
              <AssumeRolePolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%7D</AssumeRolePolicyDocument>
              <Description>アプリ &amp; ジョブ用</Description>
              <CreateDate>2026-11-29T13:44:39.341081Z</CreateDate>
              <RoleId>AROA000000000000000</RoleId>
              <MaxSessionDuration>3600</MaxSessionDuration>
              <Tags>
                <member><Key>owner</Key><Value>team &lt;a&gt;</Value></member>
              </Tags>
            </Role>
          </GetRoleResult>
          <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
        </GetRoleResponse>
        """
        let root = try XMLDocumentDecoder.decode(Data(body.utf8), expectedRoot: "GetRoleResponse")
        let role = try root.requiredElement(at: ["GetRoleResult", "Role"])
        #expect(role.text(at: ["RoleName"]) == "app")
        #expect(role.text(at: ["Description"]) == "アプリ & ジョブ用")
        #expect(try role.integer(at: ["MaxSessionDuration"]) == 3600)
        #expect(role.element(at: ["Tags"])?.children(named: "member").map { $0.text(at: ["Value"]) } == ["team <a>"])
        #expect(root.text(at: ["ResponseMetadata", "RequestId"]) == "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
        let created = try #require(try role.date(at: ["CreateDate"]))
        #expect(abs(created.timeIntervalSince1970 - 1_795_959_879.341081) < 0.000_01)
    }
}
