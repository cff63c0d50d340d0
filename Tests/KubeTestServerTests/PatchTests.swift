import Foundation
import Testing
@testable import KubeTestServer

@Suite struct PatchTests {
    // RFC 7386 appendix A examples.
    @Test(arguments: [
        (["a": "b"], ["a": "c"], ["a": "c"]),
        (["a": "b"], ["b": "c"], ["a": "b", "b": "c"]),
        (["a": "b"], ["a": nil], [:]),
        (["a": "b", "b": "c"], ["a": nil], ["b": "c"]),
        (["a": ["b"]], ["a": "c"], ["a": "c"]),
        (["a": "c"], ["a": ["b"]], ["a": ["b"]]),
        (["a": ["b": "c"]], ["a": ["b": "d", "c": nil]], ["a": ["b": "d"]]),
        (["a": [["b": "c"]]], ["a": [1]], ["a": [1]]),
        (["e": nil], ["a": 1], ["e": nil, "a": 1]),
        ([:], ["a": ["bb": ["ccc": nil]]], ["a": ["bb": [:]]]),
    ] as [(JSONValue, JSONValue, JSONValue)])
    func mergePatch(target: JSONValue, patch: JSONValue, expected: JSONValue) {
        #expect(Patches.mergePatch(target, patch) == expected)
    }

    @Test func jsonPatchOperations() throws {
        let document: JSONValue = ["foo": ["bar", "baz"], "a/b": 1, "m~n": 2, "obj": ["x": 1]]
        let patch: JSONValue = [
            ["op": "add", "path": "/foo/1", "value": "qux"],
            ["op": "add", "path": "/foo/-", "value": "end"],
            ["op": "remove", "path": "/a~1b"],
            ["op": "replace", "path": "/m~0n", "value": 3],
            ["op": "copy", "from": "/obj/x", "path": "/copied"],
            ["op": "move", "from": "/obj", "path": "/moved"],
            ["op": "test", "path": "/copied", "value": 1],
        ]
        let result = try Patches.jsonPatch(document, patch)
        #expect(result == ["foo": ["bar", "qux", "baz", "end"], "m~n": 3, "copied": 1, "moved": ["x": 1]])
        #expect(throws: APIError.self) { try Patches.jsonPatch(document, [["op": "remove", "path": "/missing"]]) }
        #expect(throws: APIError.self) { try Patches.jsonPatch(document, [["op": "test", "path": "/m~0n", "value": 9]]) }
    }

    @Test func strategicMergeKeepsKeyedListsAndDirectives() {
        let live: JSONValue = [
            "metadata": ["finalizers": ["a"], "ownerReferences": [["uid": "1", "name": "one"], ["uid": "2", "name": "two"]]],
            "secrets": [["name": "s1"]], "data": ["k": "v", "gone": "x"],
        ]
        let patch: JSONValue = [
            "metadata": ["finalizers": ["b"], "ownerReferences": [["uid": "2", "name": "renamed"], ["uid": "1", "$patch": "delete"]],
                         "$setElementOrder/finalizers": ["a", "b"]],
            "secrets": [["name": "s2"]], "data": ["gone": nil, "new": "n"],
        ]
        let result = Patches.strategicMergePatch(live, patch)
        #expect(result?[path: ["metadata", "finalizers"]] == ["a", "b"])
        #expect(result?[path: ["metadata", "ownerReferences"]] == [["uid": "2", "name": "renamed"]])
        #expect(result?["secrets"] == [["name": "s1"], ["name": "s2"]])
        #expect(result?["data"] == ["k": "v", "new": "n"])
        #expect(result?[path: ["metadata", "$setElementOrder/finalizers"]] == nil)
    }

    @Test func applyMergesListMapsByKey() {
        let schema: JSONValue = ["properties": ["conditions": [
            "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "items": ["type": "object"],
        ], "tags": ["type": "array"]]]
        let live: JSONValue = ["conditions": [["type": "Ready", "status": "False"], ["type": "RoleReady", "status": "True"]], "tags": ["a"]]
        let applied: JSONValue = ["conditions": [["type": "Ready", "status": "True"]], "tags": ["b"]]
        let result = Patches.applyMerge(live, applied, schema: schema)
        #expect(result["conditions"] == [["type": "Ready", "status": "True"], ["type": "RoleReady", "status": "True"]])
        #expect(result["tags"] == ["b"])
    }
}
