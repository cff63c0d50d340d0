import PropertyBased
import Testing
@testable import TrustlineCore

@Suite struct NamingPropertyTests {
    static let label = Gen.element(of: Array("abcdefghijklmnopqrstuvwxyz0123456789-")).compactMap { $0 }.array(of: 1...63).map { characters -> String in
        var text = String(characters)
        if text.first == "-" { text = "a" + text.dropFirst() }
        if text.last == "-" { text = text.dropLast() + "z" }
        return text
    }
    static let objectName = Self.label.array(of: 1...4).map { $0.joined(separator: ".") }
    static let cluster = Gen.element(of: Array("abcXYZ019_+=,.@-")).compactMap { $0 }.array(of: 1...63).map { String($0) }

    @Test func derivedNamesAreValidShortAndDeterministic() async {
        await propertyCheck(count: 500, input: Self.cluster, Self.label, Self.objectName) { cluster, namespace, name in
            let derived = RoleNaming.derivedName(clusterName: cluster, namespace: namespace, name: name)
            #expect(derived.count <= 64)
            #expect(IAMNames.isValidRoleName(derived))
            #expect(derived == RoleNaming.derivedName(clusterName: cluster, namespace: namespace, name: name))
            let full = "\(cluster).\(namespace).\(name)"
            if full.count <= 64 {
                #expect(derived == full)
            } else {
                #expect(derived.count == 64)
                #expect(derived.hasPrefix(String(full.prefix(55)) + "-"))
                #expect(derived.suffix(8).allSatisfy { $0.isHexDigit && !$0.isUppercase })
            }
        }
    }

    @Test func derivedNamesSeparateNamespacesFromNames() async {
        // Moving a dash between namespace and name never yields the same role name.
        await propertyCheck(count: 300, input: Self.label, Self.label) { left, right in
            let a = RoleNaming.derivedName(clusterName: "c", namespace: left, name: "\(right)-x")
            let b = RoleNaming.derivedName(clusterName: "c", namespace: "\(left)-\(right)", name: "x")
            if left.count + right.count < 50 {
                #expect(a != b)
            }
        }
    }
}
