import Testing
@testable import TrustlineCore

/// Issue 11, item 6: object names follow the API server's rule for custom resources (an RFC 1123
/// subdomain: at most 253 characters, labels of any length), namespaces the label rule (63).
@Suite struct KubernetesNameTests {
    struct NameCase: Sendable, CustomTestStringConvertible {
        var name: String
        var subdomain: Bool
        var label: Bool
        var testDescription: String { name.count > 40 ? "\(name.prefix(20))... (\(name.count))" : "\"\(name)\"" }
    }

    static let cases: [NameCase] = [
        NameCase(name: "my-app", subdomain: true, label: true),
        NameCase(name: "a", subdomain: true, label: true),
        NameCase(name: "0", subdomain: true, label: true),
        NameCase(name: String(repeating: "a", count: 63), subdomain: true, label: true),
        NameCase(name: String(repeating: "a", count: 64), subdomain: true, label: false),
        NameCase(name: String(repeating: "b", count: 100) + ".x", subdomain: true, label: false),
        NameCase(name: "x." + String(repeating: "c", count: 200), subdomain: true, label: false),
        NameCase(name: String(repeating: "d", count: 253), subdomain: true, label: false),
        NameCase(name: String(repeating: "d", count: 254), subdomain: false, label: false),
        NameCase(name: String(repeating: "a.", count: 126) + "a", subdomain: true, label: false),
        NameCase(name: String(repeating: "a.", count: 126) + "ab", subdomain: false, label: false),
        NameCase(name: "a.b", subdomain: true, label: false),
        NameCase(name: "", subdomain: false, label: false),
        NameCase(name: "a..b", subdomain: false, label: false),
        NameCase(name: ".a", subdomain: false, label: false),
        NameCase(name: "a.", subdomain: false, label: false),
        NameCase(name: "-a", subdomain: false, label: false),
        NameCase(name: "a-", subdomain: false, label: false),
        NameCase(name: "a.-b", subdomain: false, label: false),
        NameCase(name: "My-App", subdomain: false, label: false),
        NameCase(name: "a_b", subdomain: false, label: false),
        NameCase(name: "ä", subdomain: false, label: false),
    ]

    @Test(arguments: cases)
    func subdomainAndLabelRules(_ testCase: NameCase) {
        #expect(KubernetesNames.isSubdomain(testCase.name) == testCase.subdomain)
        #expect(KubernetesNames.isLabel(testCase.name) == testCase.label)
    }

    static let longNames = [
        String(repeating: "a", count: 64),
        String(repeating: "r", count: 120) + ".reports",
        String(repeating: "z", count: 253),
    ]

    /// A resource (and ServiceAccount) named with a long label is accepted, and its derived role
    /// name is a valid IAM name cut to 64 characters with a hash.
    @Test(arguments: longNames)
    func aLongLabelIsAValidResourceAndDerivesAValidRoleName(_ name: String) {
        var resource = Fixtures.myApp()
        resource.metadata.name = name
        resource.spec.serviceAccount.name = name
        #expect(Fixtures.failures(resource) == [])
        let role = RoleNaming.derivedName(clusterName: Fixtures.context.clusterName, namespace: resource.namespace, name: name)
        #expect(role.count == 64)
        #expect(IAMNames.isValidRoleName(role))
    }

    /// The message names the rule the name breaks, and the name really breaks it.
    @Test func aRefusedNameGetsTheRuleItBreaks() {
        var resource = Fixtures.myApp()
        resource.metadata.name = String(repeating: "d", count: 254)
        let failures = Fixtures.failures(resource)
        #expect(failures.map(\.field) == ["metadata.name"])
        #expect(failures.first?.message.contains("at most 253 characters") == true)
    }
}
