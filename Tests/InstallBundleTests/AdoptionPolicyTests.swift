import Foundation
import Testing

/// `config/iam/adoption-policy.json` (docs/design.md section 10): the optional document for adopting
/// roles outside the role path grants only what converging an existing role needs, on the names
/// `adoptableRoleNames` gives, and never CreateRole (an adopted role is never recreated).
@Suite struct AdoptionPolicyTests {
    static func statements(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("config/iam/" + file)))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(document["Statement"] as? [[String: Any]])
    }

    static func actions(_ statement: [String: Any]) -> Set<String> {
        if let one = statement["Action"] as? String { return [one] }
        return Set(statement["Action"] as? [String] ?? [])
    }

    @Test func grantsTheRoleCallsOfTheOperatorPolicyExceptCreateRoleOnAdoptableNamesOnly() throws {
        let adoption = try Self.statements("adoption-policy.json")
        let operatorRoles = try #require(try Self.statements("operator-policy.json").first { $0["Sid"] as? String == "ManageRolesUnderTheRolePath" })
        #expect(adoption.count == 1)
        let statement = try #require(adoption.first)
        #expect(statement["Effect"] as? String == "Allow")
        #expect(Self.actions(statement) == Self.actions(operatorRoles).subtracting(["iam:CreateRole"]))
        #expect(statement["Resource"] as? String == "arn:aws:iam::ACCOUNT_ID:role/ADOPTABLE_ROLE_NAME_GLOB")
    }

    @Test func theIAMReadmeExplainsThePlaceholder() throws {
        let readme = try String(contentsOfFile: Repository.path("config/iam/README.md"), encoding: .utf8)
        #expect(readme.contains("`adoption-policy.json`"))
        #expect(readme.contains("`ADOPTABLE_ROLE_NAME_GLOB`"))
    }
}
