import Foundation
import Testing
@testable import KubeTestServer

/// The test server reads and writes nesting deeper than Foundation's coders (512), as the API
/// server does; before, it refused such bodies and wrote `null` for a list holding such an object.
@Suite struct DeepJSONTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: #"{"a":["#, count: depth / 2) + #""x\"y",1.5,-2,true,null"# + String(repeating: "]}", count: depth / 2)
    }

    @Test func readsAndWritesNestingBeyondFoundationsLimit() throws {
        let text = Self.nested(1200)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value.serializedString() == text, "written back exactly, compact")
        let list: JSONValue = ["kind": "List", "items": [value]]
        #expect(list.serializedString() == #"{"items":["# + text + #"],"kind":"List"}"#)
    }

    @Test func shallowDocumentsReadTheSameEitherWay() throws {
        for text in [#"{"b":[1,2.5,"\u00e9",{"c":null}],"a":false}"#, "[]", #"{"k":-0.5e3}"#] {
            let data = Data(text.utf8)
            #expect(try DeepJSON.parse(data) == JSONDecoder().decode(JSONValue.self, from: data))
        }
    }

    @Test(arguments: [#"{"a":1,}"#, #"{"a" 1}"#, #"[1 2]"#, #"{"a":[}"#, #"["x"#, #"{"a":1}x"#, ""])
    func malformedStaysMalformed(_ text: String) {
        #expect(throws: (any Error).self) { try DeepJSON.parse(Data(text.utf8)) }
    }

    @Test func refusesBeyondItsOwnBound() {
        let text = String(repeating: "[", count: DeepJSON.maxDepth + 1) + String(repeating: "]", count: DeepJSON.maxDepth + 1)
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
    }
}
