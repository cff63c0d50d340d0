import Foundation
import KubeModels
import Testing

/// `JSONValue` decodes any JSON shape up to `maximumDecodingDepth` and refuses deeper values with
/// an error naming the depth, instead of spending time that grows with the cube of the depth.
@Suite struct JSONValueDecodingTests {
    /// `levels` containers nested, alternating arrays and objects when `alternating`, around `1`.
    static func nested(_ levels: Int, alternating: Bool) -> String {
        var open = "", close = ""
        for level in 0..<levels {
            let object = alternating && level % 2 == 1
            open += object ? #"{"k":"# : "["
            close = (object ? "}" : "]") + close
        }
        return open + "1" + close
    }

    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func everyShapeDecodes() throws {
        // Numbers and Booleans are never read as strings, nor strings that look like them as numbers.
        #expect(try Self.decode(#"[1, "1", true, "true", null, "null", 2.5e3]"#) == [1, "1", true, "true", nil, "null", 2500])
        let text = #"{"s":"x","n":-2.5,"i":7,"t":true,"f":false,"z":null,"a":[1,"y",[],{}],"o":{"p":{"q":[null]}}}"#
        let expected: JSONValue = [
            "s": "x", "n": -2.5, "i": 7, "t": true, "f": false, "z": nil,
            "a": [1, "y", .array([]), .object([:])], "o": ["p": ["q": [nil]]],
        ]
        #expect(try Self.decode(text) == expected)
        #expect(try Self.decode("[]") == .array([]))
        #expect(try Self.decode(#""only""#) == .string("only"))
    }

    @Test(arguments: [false, true])
    func theDeepestAllowedValueDecodes(alternating: Bool) throws {
        // `levels` containers, the innermost holding `1`.
        let levels = JSONValue.maximumDecodingDepth
        var value = try Self.decode(Self.nested(levels, alternating: alternating))
        var depth = 0
        while true {
            switch value {
            case .array(let items) where items.count == 1: value = items[0]
            case .object(let members) where members.count == 1: value = members["k"] ?? .null
            default:
                #expect(value == .number(1))
                #expect(depth == levels)
                return
            }
            depth += 1
        }
    }

    /// One level more is refused with the depth in the message, whatever the shape: the error is
    /// not swallowed by a parent's probe and replaced by a type mismatch.
    @Test(arguments: [
        (JSONValue.maximumDecodingDepth + 1, false), (JSONValue.maximumDecodingDepth + 1, true),
        (400, false), (400, true), (510, true),
    ])
    func deeperValuesAreRefusedNamingTheDepth(levels: Int, alternating: Bool) {
        do {
            let value = try Self.decode(Self.nested(levels, alternating: alternating))
            Issue.record("\(levels) levels decoded: \(String(describing: value).prefix(80))")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("nested more than \(JSONValue.maximumDecodingDepth) levels"), "\(context.debugDescription)")
            #expect(context.codingPath.count == JSONValue.maximumDecodingDepth)
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }

    /// Inside a typed document the refusal names where the value sits.
    @Test func theRefusalCarriesThePathFromTheDocumentRoot() {
        struct Holder: Decodable { var spec: [String: JSONValue] }
        let text = #"{"spec":{"document":"# + Self.nested(100, alternating: true) + "}}"
        do {
            _ = try JSONDecoder().decode(Holder.self, from: Data(text.utf8))
            Issue.record("a 100-level document decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.prefix(2).map(\.stringValue) == ["spec", "document"])
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }
}
