import Testing
@testable import KubeTestServer

@Suite struct JSONPathTests {
    static let object: JSONValue = [
        "metadata": ["name": "a"],
        "status": [
            "roleArn": "arn:aws:iam::1:role/x",
            "conditions": [
                ["type": "RoleReady", "status": "False"],
                ["type": "Ready", "status": "True", "reason": "Converged"],
            ],
        ],
    ]

    @Test(arguments: [
        (".status.roleArn", JSONValue.string("arn:aws:iam::1:role/x")),
        (".status.conditions[?(@.type==\"Ready\")].status", "True"),
        (".status.conditions[?(@.type=='Ready')].reason", "Converged"),
        (".status.conditions[0].type", "RoleReady"),
        (".status.conditions[*].type", "RoleReady"),
        ("{.metadata.name}", "a"),
    ])
    func firstValue(path: String, expected: JSONValue) {
        #expect(JSONPathSubset.firstValue(path, in: Self.object) == expected)
    }

    @Test func missingPathIsNil() {
        #expect(JSONPathSubset.firstValue(".status.missing", in: Self.object) == nil)
        #expect(JSONPathSubset.firstValue(".status.conditions[?(@.type==\"Verified\")].status", in: Self.object) == nil)
    }
}
