import Foundation
import Testing
@testable import KubeTestServer

@Suite struct SchemaValidatorTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "spec": [
                "type": "object", "required": ["size"],
                "properties": [
                    "size": ["type": "integer", "minimum": 1, "maximum": 5, "default": 1],
                    "mode": ["type": "string", "enum": ["A", "B"], "default": "A"],
                    "labels": ["type": "object", "additionalProperties": ["type": "string", "maxLength": 3]],
                    "free": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                    "nullable": ["type": "string", "nullable": true],
                    "port": ["x-kubernetes-int-or-string": true],
                ],
            ],
        ],
    ]

    @Test func defaultsPruningAndValidation() {
        var object: JSONValue = ["metadata": ["name": "x"], "spec": ["size": 2, "extra": 1, "free": ["any": ["thing": 1]], "nullable": nil, "port": "http"], "top": 1]
        let errors = SchemaValidator(schema: Self.schema).admit(&object)
        #expect(errors.isEmpty)
        #expect(object == ["metadata": ["name": "x"], "spec": ["size": 2, "mode": "A", "free": ["any": ["thing": 1]], "nullable": nil, "port": "http"]])
    }

    @Test func errorsNameFieldPaths() {
        var object: JSONValue = ["spec": ["size": 9, "mode": "C", "labels": ["k": "long"], "port": true]]
        let errors = SchemaValidator(schema: Self.schema).admit(&object)
        #expect(errors.map(\.field).sorted() == ["spec.labels.k", "spec.mode", "spec.port", "spec.size"])
    }

    @Test func listTypesRejectDuplicates() {
        let schema: JSONValue = ["type": "object", "properties": ["spec": ["type": "object", "properties": [
            "arns": ["type": "array", "x-kubernetes-list-type": "set", "items": ["type": "string"]],
            "policies": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                         "items": ["type": "object", "properties": ["name": ["type": "string"], "n": ["type": "integer"]]]],
        ]]]]
        var object: JSONValue = ["spec": ["arns": ["a", "b", "a"], "policies": [["name": "p", "n": 1], ["name": "q"], ["name": "p", "n": 2]]]]
        let errors = SchemaValidator(schema: schema).admit(&object)
        #expect(errors == [
            FieldError(field: "spec.arns[2]", reason: "FieldValueDuplicate", message: "Duplicate value: \"a\""),
            FieldError(field: "spec.policies[2]", reason: "FieldValueDuplicate", message: "Duplicate value: map[string]interface {}{\"name\":\"p\"}"),
        ])
    }

    /// Every pattern in the fixture and the project CRDs must compile as a Swift Regex, or the
    /// server would silently skip it.
    @Test func crdPatternsCompile() throws {
        var paths = [ServerFixture.fixturePath("workloadawsaccess-crd.yaml")]
        let repositoryCRD = ServerFixture.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("crds/workloadawsaccess.yaml").resolvingSymlinksInPath().path
        if FileManager.default.fileExists(atPath: repositoryCRD) { paths.append(repositoryCRD) }
        for path in paths {
            let crd = try ResourceHandler.parseYAML(Data(contentsOf: URL(fileURLWithPath: path)))
            var patterns: [String] = []
            var rules: [String] = []
            collect(crd, patterns: &patterns, rules: &rules)
            #expect(!patterns.isEmpty)
            for pattern in patterns {
                #expect((try? Regex(pattern)) != nil, "pattern does not compile: \(pattern) in \(path)")
            }
            for rule in rules {
                #expect((try? CELExpression.parse(rule)) != nil, "CEL rule outside the supported subset: \(rule) in \(path)")
            }
        }
    }

    private func collect(_ value: JSONValue, patterns: inout [String], rules: inout [String]) {
        switch value {
        case .object(let members):
            if let pattern = members["pattern"]?.stringValue { patterns.append(pattern) }
            for rule in members["x-kubernetes-validations"]?.arrayValue ?? [] {
                if let text = rule["rule"]?.stringValue { rules.append(text) }
            }
            for child in members.values { collect(child, patterns: &patterns, rules: &rules) }
        case .array(let items):
            for item in items { collect(item, patterns: &patterns, rules: &rules) }
        default:
            break
        }
    }
}
