import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    /// GetAccountAuthorizationDetails against moto: every role under a path with its trust policy,
    /// inline and attached policies, boundary and tags from one paged call, documents decoded,
    /// roles under other paths left out.
    @Suite struct IAMAuthorizationDetails {
        @Test func rolesUnderThePathComeWithTheirPoliciesAndTags() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
            _ = try await iam.createRole(CreateRoleRequest(
                roleName: "prod.team.app", assumeRolePolicyDocument: TestPolicies.trust(), path: "/trustline/",
                permissionsBoundaryArn: boundary, tags: [IAMTag(key: "trustline.dev/cluster", value: "prod"), IAMTag(key: "team", value: "a b&c")]))
            try await iam.putRolePolicy(roleName: "prod.team.app", policyName: "s3", policyDocument: TestPolicies.s3Read())
            try await iam.attachRolePolicy(roleName: "prod.team.app", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
            _ = try await iam.createRole(CreateRoleRequest(
                roleName: "prod.team.bare", assumeRolePolicyDocument: TestPolicies.trust(subject: "system:serviceaccount:team:bare"),
                path: "/trustline/", tags: []))
            _ = try await iam.createRole(CreateRoleRequest(
                roleName: "someone-else", assumeRolePolicyDocument: TestPolicies.trust(), path: "/other/", tags: []))

            let details = try await iam.roleAuthorizationDetails(pathPrefix: "/trustline/", pageSize: 1000)
            #expect(details.map(\.roleName).sorted() == ["prod.team.app", "prod.team.bare"])
            let app = try #require(details.first { $0.roleName == "prod.team.app" })
            let fetched = try await iam.getRole(roleName: "prod.team.app")
            #expect(app.arn == fetched.arn)
            #expect(app.roleId == fetched.roleId)
            #expect(app.path == "/trustline/")
            #expect(app.assumeRolePolicyDocument == TestPolicies.trust(), "the URL-encoded trust policy comes back decoded")
            #expect(app.inlinePolicies.map(\.policyName) == ["s3"])
            #expect(app.inlinePolicies.first?.policyDocument == TestPolicies.s3Read())
            #expect(app.attachedPolicies.map(\.policyArn) == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
            #expect(app.permissionsBoundaryArn == boundary)
            #expect(Set(app.tags) == [IAMTag(key: "trustline.dev/cluster", value: "prod"), IAMTag(key: "team", value: "a b&c")])
            let bare = try #require(details.first { $0.roleName == "prod.team.bare" })
            #expect(bare.inlinePolicies.isEmpty && bare.attachedPolicies.isEmpty && bare.tags.isEmpty)
            #expect(bare.permissionsBoundaryArn == nil)

            // One page read role by role as the parser closes each (the drift pass's call) decodes the same roles.
            let page = try await iam.roleAuthorizationDetailsPage(marker: nil, pageSize: 1000)
            #expect(page.nextMarker == nil)
            #expect(page.roles.filter { $0.path == "/trustline/" }.sorted { $0.roleName < $1.roleName } == details.sorted { $0.roleName < $1.roleName })
            await #expect(throws: AWSClientError.self) { try await iam.roleAuthorizationDetailsPage(marker: nil, pageSize: 0) }

            let everything = try await iam.roleAuthorizationDetails()
            #expect(everything.contains { $0.roleName == "someone-else" })
            await #expect(throws: AWSClientError.self) { try await iam.roleAuthorizationDetails(pageSize: 1001) }
        }
    }
}
