import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    @Suite struct IAMRoleListing {
        @Test func listRolesFollowsPagesAndKeepsToThePathPrefix() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            for index in 0..<5 {
                _ = try await iam.createRole(CreateRoleRequest(
                    roleName: "listed-\(index)", assumeRolePolicyDocument: TestPolicies.trust(), path: "/trustline/",
                    tags: [IAMTag(key: "trustline.dev/uid", value: "u\(index)")]))
            }
            _ = try await iam.createRole(CreateRoleRequest(roleName: "elsewhere", assumeRolePolicyDocument: TestPolicies.trust(), path: "/other/"))

            let paged = try await iam.listRoles(pathPrefix: "/trustline/", pageSize: 2)
            #expect(paged.map(\.roleName).sorted() == (0..<5).map { "listed-\($0)" })
            #expect(paged.allSatisfy { $0.path == "/trustline/" && $0.arn.hasSuffix(":role/trustline/\($0.roleName)") })
            #expect(paged.allSatisfy { abs($0.createDate.timeIntervalSinceNow) < 300 })
            #expect(try await iam.listRoles(pathPrefix: "/trustline/").count == 5)
            #expect(try await iam.listRoles(pathPrefix: "/other/").map(\.roleName) == ["elsewhere"])
            #expect(try await iam.listRoles(pathPrefix: "/nothing-here/").isEmpty)
        }
    }
}
