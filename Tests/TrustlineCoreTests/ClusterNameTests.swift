import PropertyBased
import Testing
@testable import TrustlineCore

/// The cluster name starts every derived role name `{cluster}.{namespace}.{name}`; a name that
/// lets two clusters derive the same role is refused when the operator starts.
@Suite struct ClusterNameTests {
    struct NameCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// A phrase the refusal must contain; `nil` when the name is accepted.
        var refusal: String?
        var testDescription: String { "\"\(name)\"" }
    }

    static let cases: [NameCase] = [
        NameCase(name: "prod", refusal: nil),
        NameCase(name: "prod-eu1", refusal: nil),
        NameCase(name: "a_b+c=d@e", refusal: nil),
        NameCase(name: String(repeating: "x", count: 63), refusal: nil),
        NameCase(name: "a.b", refusal: "contains a dot"),
        NameCase(name: "prod.eu", refusal: "e.g. prod-eu"),
        NameCase(name: ".", refusal: "contains a dot"),
        NameCase(name: "Prod", refusal: "e.g. prod"),
        NameCase(name: "PROD", refusal: "ignore case"),
        NameCase(name: "a,b", refusal: "contains \",\""),
        NameCase(name: "has space", refusal: "contains \" \""),
        NameCase(name: "prod/eu", refusal: "contains \"/\""),
        NameCase(name: "prød", refusal: "contains \"ø\""),
        NameCase(name: "", refusal: "0 characters long"),
        NameCase(name: String(repeating: "x", count: 64), refusal: "64 characters long"),
    ]

    @Test(arguments: cases)
    func clusterNamesThatCouldCollideAreRefusedAtStart(_ testCase: NameCase) throws {
        let settings = OperatorSettings(clusterName: testCase.name)
        guard let refusal = testCase.refusal else {
            try SettingsValidation.check(settings)
            return
        }
        #expect {
            try SettingsValidation.check(settings)
        } throws: { error in
            guard let error = error as? SettingsError else { return false }
            return error.setting == "clusterName" && error.message.contains(refusal) && error.message.contains("lowercase letters, digits")
        }
        // The loader (flags, environment, file) refuses it the same way.
        #expect(throws: SettingsError.self) { try SettingsLoader.load(flags: ["clusterName": .scalar(testCase.name)]) }
    }

    /// Two clusters that share an account, `a.b` and `a`, derive the same role name; this is why
    /// dots are refused.
    @Test func dottedClusterNameWouldCollide() {
        #expect(RoleNaming.derivedName(clusterName: "a.b", namespace: "c", name: "d")
            == RoleNaming.derivedName(clusterName: "a", namespace: "b", name: "c.d"))
        #expect(SettingsValidation.clusterNameProblem("a.b") != nil)
    }

    static let clusterName = Gen.element(of: SettingsValidation.clusterNameCharacters.sorted()).compactMap { $0 }.array(of: 1...63)
        .map { String(String.UnicodeScalarView($0)) }
    static let namespace = Gen.element(of: Array("abz09-")).compactMap { $0 }.array(of: 1...20).map { String($0) }
    static let objectName = Gen.element(of: Array("abz09-.")).compactMap { $0 }.array(of: 1...40).map { String($0) }

    /// Every accepted cluster name keeps the derived name unambiguous: the first two dots of the
    /// full name split it back into exactly the cluster, namespace and name it was made from, in
    /// lowercase, so no other triple (from another cluster) can give the same IAM role name.
    @Test func acceptedClusterNamesSplitBackUniquely() async {
        await propertyCheck(count: 500, input: Self.clusterName, Self.namespace, Self.objectName) { cluster, namespace, name in
            #expect(SettingsValidation.clusterNameProblem(cluster) == nil)
            let full = "\(cluster).\(namespace).\(name)"
            #expect(full.lowercased() == full)
            let parts = full.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            #expect(parts == [cluster, namespace, name])
        }
    }
}
