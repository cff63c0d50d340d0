import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    @Suite struct IAMRoles {
        @Test func createRoleSetsEverythingInOneCallAndGetRoleReadsItBack() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
            let created = try await iam.createRole(CreateRoleRequest(
                roleName: "prod.team.app", assumeRolePolicyDocument: TestPolicies.trust(), path: "/trustline/",
                description: "app role", maxSessionDuration: 7200, permissionsBoundaryArn: boundary,
                tags: [IAMTag(key: "trustline.dev/cluster", value: "prod"), IAMTag(key: "team", value: "a b&c")]))
            #expect(created.roleName == "prod.team.app")
            #expect(created.path == "/trustline/")
            #expect(created.arn.hasSuffix(":role/trustline/prod.team.app"))
            #expect(created.maxSessionDuration == 7200)

            let fetched = try await iam.getRole(roleName: "prod.team.app")
            #expect(fetched.arn == created.arn)
            #expect(fetched.roleId == created.roleId)
            #expect(fetched.description == "app role")
            #expect(fetched.maxSessionDuration == 7200)
            #expect(fetched.permissionsBoundaryArn == boundary)
            #expect(fetched.assumeRolePolicyDocument == TestPolicies.trust(), "GetRole's URL-encoded document comes back decoded")
            #expect(Set(fetched.tags) == [IAMTag(key: "trustline.dev/cluster", value: "prod"), IAMTag(key: "team", value: "a b&c")])
            #expect(abs(fetched.createDate.timeIntervalSinceNow) < 300, "CreateDate with microseconds parses")
        }

        @Test func errorsAreTypedValues() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())

            let missing = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "absent") }
            #expect(missing?.isNoSuchEntity == true)
            #expect(missing?.serviceError?.httpStatus == 404)
            #expect(missing?.serviceError?.requestId?.isEmpty == false)
            #expect(missing?.serviceError?.message.contains("absent") == true)

            _ = try await iam.createRole(CreateRoleRequest(roleName: "dup", assumeRolePolicyDocument: TestPolicies.trust()))
            let duplicate = await #expect(throws: AWSClientError.self) {
                try await iam.createRole(CreateRoleRequest(roleName: "dup", assumeRolePolicyDocument: TestPolicies.trust()))
            }
            #expect(duplicate?.isEntityAlreadyExists == true)

            let malformed = await #expect(throws: AWSClientError.self) {
                try await iam.putRolePolicy(roleName: "dup", policyName: "bad", policyDocument: #"{"Version":"2012-10-17"}"#)
            }
            #expect(malformed?.isMalformedPolicyDocument == true)

            try await iam.attachRolePolicy(roleName: "dup", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess")
            let conflict = await #expect(throws: AWSClientError.self) { try await iam.deleteRole(roleName: "dup") }
            #expect(conflict?.isDeleteConflict == true)
            #expect(conflict?.isNoSuchEntity == false)
        }

        @Test func updateRoleAndTrustPolicyAndDelete() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            _ = try await iam.createRole(CreateRoleRequest(
                roleName: "r", assumeRolePolicyDocument: TestPolicies.trust(), description: "old", maxSessionDuration: 3600))

            try await iam.updateRole(roleName: "r", description: "new", maxSessionDuration: 43200)
            var role = try await iam.getRole(roleName: "r")
            #expect(role.description == "new")
            #expect(role.maxSessionDuration == 43200)

            let newTrust = TestPolicies.trust(subject: "system:serviceaccount:prod:other")
            try await iam.updateAssumeRolePolicy(roleName: "r", policyDocument: newTrust)
            role = try await iam.getRole(roleName: "r")
            #expect(role.assumeRolePolicyDocument == newTrust)

            try await iam.deleteRole(roleName: "r")
            let gone = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "r") }
            #expect(gone?.isNoSuchEntity == true)
            let deleteAgain = await #expect(throws: AWSClientError.self) { try await iam.deleteRole(roleName: "r") }
            #expect(deleteAgain?.isNoSuchEntity == true)
        }

        @Test func permissionsBoundaryCanBeSetAndRemoved() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            _ = try await iam.createRole(CreateRoleRequest(roleName: "b", assumeRolePolicyDocument: TestPolicies.trust()))
            #expect(try await iam.getRole(roleName: "b").permissionsBoundaryArn == nil)

            let boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
            try await iam.putRolePermissionsBoundary(roleName: "b", permissionsBoundaryArn: boundary)
            #expect(try await iam.getRole(roleName: "b").permissionsBoundaryArn == boundary)

            try await iam.deleteRolePermissionsBoundary(roleName: "b")
            #expect(try await iam.getRole(roleName: "b").permissionsBoundaryArn == nil)
        }

        @Test func accountsAreIsolatedByHeader() async throws {
            let moto = try currentMoto()
            let first = moto.iamClient(accountId: MotoServer.newAccountId())
            let second = moto.iamClient(accountId: MotoServer.newAccountId())
            _ = try await first.createRole(CreateRoleRequest(roleName: "mine", assumeRolePolicyDocument: TestPolicies.trust()))
            let other = await #expect(throws: AWSClientError.self) { try await second.getRole(roleName: "mine") }
            #expect(other?.isNoSuchEntity == true)
        }

        @Test func emptyRoleNameIsRejectedBeforeSending() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "") }
            #expect(error == .invalidInput(field: "roleName", reason: "must not be empty"))
        }
    }
}
