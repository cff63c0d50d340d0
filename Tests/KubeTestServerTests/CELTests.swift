import Foundation
import Testing
@testable import KubeTestServer

@Suite struct CELTests {
    static let tags: JSONValue = ["team": "a", "Trustline.dev/uid": "x"]
    static let policies: JSONValue = [["name": "S3"], ["name": "s3"], ["name": "ec2"]]

    @Test(arguments: [
        ("self.all(k, size(k) >= 1 && size(k) <= 128)", tags, true),
        ("self.all(k, !k.lowerAscii().startsWith('trustline.dev/') && !k.lowerAscii().startsWith('aws:'))", tags, false),
        ("self.exists(k, k == 'team')", tags, true),
        ("self.all(p, self.filter(q, q.name.lowerAscii() == p.name.lowerAscii()).size() == 1)", policies, false),
        ("self.all(p, self.filter(q, q.name == p.name).size() == 1)", policies, true),
        ("self.exists_one(p, p.name == 'ec2')", policies, true),
        ("has(self.Statement)", ["Statement": []], true),
        ("has(self.Statement)", ["Version": "2012-10-17"], false),
        ("self.size() <= 2 || self.map(p, p.name).exists(n, n.endsWith('2'))", policies, true),
        ("'team' in self ? self.team == 'a' : false", tags, true),
        ("self.name.matches('^[a-z]+$')", ["name": "abc"], true),
        ("self.min <= self.max", ["min": 3, "max": 2], false),
    ] as [(String, JSONValue, Bool)])
    func rulesEvaluate(rule: String, value: JSONValue, expected: Bool) throws {
        let result = try CELExpression.parse(rule).evaluate(["self": value])
        #expect(result == .bool(expected))
    }

    @Test func transitionRulesAndUnknownFunctionsAreSkipped() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["spec": [
                "type": "object",
                "x-kubernetes-validations": [
                    ["rule": "self == oldSelf", "message": "immutable"],
                    ["rule": "self.x.quantity() > 1", "message": "unsupported"],
                    ["rule": "self.x == 'b'", "message": "x must be b"],
                ],
            ]],
        ]
        let errors = CELRules.evaluate(["spec": ["x": "a"]], schema: schema)
        #expect(errors == [FieldError(field: "spec", reason: "FieldValueInvalid", message: "Invalid value: \"object\": x must be b")])
    }

    @Test func syntaxErrorsAreReported() {
        #expect(throws: CELExpression.Failure.self) { try CELExpression.parse("self.all(k,") }
        #expect(throws: CELExpression.Failure.self) { try CELExpression.parse("self ==") }
    }
}
