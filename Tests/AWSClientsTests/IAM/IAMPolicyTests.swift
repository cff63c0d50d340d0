import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    @Suite struct IAMPolicies {
        @Test func inlinePoliciesRoundTripDecodedAndPaginate() async throws {
            let moto = try currentMoto()
            let recorder = RecordingHTTPClient(wrapping: moto.httpClient)
            let iam = IAMClient(
                configuration: moto.configuration(accountId: MotoServer.newAccountId()), httpClient: recorder,
                credentialProvider: StaticCredentialProvider(.testDefault))
            _ = try await iam.createRole(CreateRoleRequest(roleName: "p", assumeRolePolicyDocument: TestPolicies.trust()))

            let names = (1...5).map { "policy-\($0)" }
            for name in names {
                try await iam.putRolePolicy(roleName: "p", policyName: name, policyDocument: TestPolicies.s3Read(bucket: name))
            }
            let fetched = try await iam.getRolePolicy(roleName: "p", policyName: "policy-3")
            #expect(fetched == RolePolicy(roleName: "p", policyName: "policy-3", policyDocument: TestPolicies.s3Read(bucket: "policy-3")))

            // moto 5.2.1 ignores MaxItems here (one page always); paging of this call is shown
            // against the scripted server in QueryPaginationTests.
            let paged = try await iam.listRolePolicies(roleName: "p", pageSize: 2)
            #expect(paged.sorted() == names)
            #expect(try await iam.listRolePolicies(roleName: "p").sorted() == names)

            try await iam.deleteRolePolicy(roleName: "p", policyName: "policy-3")
            #expect(try await iam.listRolePolicies(roleName: "p", pageSize: 2).sorted() == names.filter { $0 != "policy-3" })
            let gone = await #expect(throws: AWSClientError.self) {
                try await iam.getRolePolicy(roleName: "p", policyName: "policy-3")
            }
            #expect(gone?.isNoSuchEntity == true)
        }

        @Test func managedPoliciesAttachListPaginateAndDetach() async throws {
            let moto = try currentMoto()
            let recorder = RecordingHTTPClient(wrapping: moto.httpClient)
            let iam = IAMClient(
                configuration: moto.configuration(accountId: MotoServer.newAccountId()), httpClient: recorder,
                credentialProvider: StaticCredentialProvider(.testDefault))
            _ = try await iam.createRole(CreateRoleRequest(roleName: "m", assumeRolePolicyDocument: TestPolicies.trust()))
            let arns = ["ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess"].map { "arn:aws:iam::aws:policy/\($0)" }
            for arn in arns { try await iam.attachRolePolicy(roleName: "m", policyArn: arn) }

            let attached = try await iam.listAttachedRolePolicies(roleName: "m", pageSize: 1)
            #expect(recorder.recordedActions.filter { $0 == "ListAttachedRolePolicies" }.count >= 3, "one page per policy (moto adds an empty last page when the last page is full)")
            #expect(Set(attached.map(\.policyArn)) == Set(arns))
            #expect(attached.count == 3)
            #expect(attached.contains(AttachedPolicy(policyName: "ReadOnlyAccess", policyArn: arns[0])))

            try await iam.detachRolePolicy(roleName: "m", policyArn: arns[1])
            #expect(Set(try await iam.listAttachedRolePolicies(roleName: "m").map(\.policyArn)) == [arns[0], arns[2]])

            for arn in [arns[0], arns[2]] { try await iam.detachRolePolicy(roleName: "m", policyArn: arn) }
            try await iam.deleteRole(roleName: "m")
        }

        @Test func attachingAnUnknownManagedPolicyIsNoSuchEntity() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            _ = try await iam.createRole(CreateRoleRequest(roleName: "u", assumeRolePolicyDocument: TestPolicies.trust()))
            let error = await #expect(throws: AWSClientError.self) {
                try await iam.attachRolePolicy(roleName: "u", policyArn: "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
            }
            #expect(error?.isNoSuchEntity == true)
        }
    }

    @Suite struct IAMTags {
        @Test func tagUntagAndListAcrossPages() async throws {
            let moto = try currentMoto()
            let recorder = RecordingHTTPClient(wrapping: moto.httpClient)
            let iam = IAMClient(
                configuration: moto.configuration(accountId: MotoServer.newAccountId()), httpClient: recorder,
                credentialProvider: StaticCredentialProvider(.testDefault))
            _ = try await iam.createRole(CreateRoleRequest(
                roleName: "t", assumeRolePolicyDocument: TestPolicies.trust(), tags: [IAMTag(key: "a", value: "1")]))
            try await iam.tagRole(roleName: "t", tags: (2...6).map { IAMTag(key: "k\($0)", value: "value \($0)/=+") })

            let all = try await iam.listRoleTags(roleName: "t", pageSize: 2)
            #expect(recorder.recordedActions.filter { $0 == "ListRoleTags" }.count == 3, "6 tags in pages of 2")
            #expect(all.count == 6)
            #expect(Set(all) == Set([IAMTag(key: "a", value: "1")] + (2...6).map { IAMTag(key: "k\($0)", value: "value \($0)/=+") }))

            try await iam.untagRole(roleName: "t", tagKeys: ["a", "k2"])
            let remaining = try await iam.listRoleTags(roleName: "t")
            #expect(Set(remaining.map(\.key)) == ["k3", "k4", "k5", "k6"])
        }

        @Test func emptyTagListIsRejectedNamingTheField() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let error = await #expect(throws: AWSClientError.self) { try await iam.tagRole(roleName: "t", tags: []) }
            #expect(error == .invalidInput(field: "tags", reason: "give at least one tag"))
        }
    }

    @Suite struct IAMOpenIDConnectAndAccount {
        @Test func oidcProviderCreateGetList() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let thumbprint = String(repeating: "ab", count: 20)
            let arn = try await iam.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                url: "https://oidc.example.com/id/ABC", clientIds: ["sts.amazonaws.com", "other"],
                thumbprints: [thumbprint], tags: [IAMTag(key: "trustline.dev/cluster", value: "prod")]))
            #expect(arn.hasSuffix(":oidc-provider/oidc.example.com/id/ABC"))

            let provider = try await iam.getOpenIDConnectProvider(arn: arn)
            #expect(provider.url == "oidc.example.com/id/ABC")
            #expect(provider.clientIds == ["sts.amazonaws.com", "other"])
            #expect(provider.thumbprints == [thumbprint])
            #expect(provider.createDate != nil)

            #expect(try await iam.listOpenIDConnectProviders() == [arn])

            let duplicate = await #expect(throws: AWSClientError.self) {
                try await iam.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                    url: "https://oidc.example.com/id/ABC", clientIds: ["sts.amazonaws.com"], thumbprints: [thumbprint]))
            }
            #expect(duplicate?.isEntityAlreadyExists == true)

            let missing = await #expect(throws: AWSClientError.self) {
                try await iam.getOpenIDConnectProvider(arn: arn + "X")
            }
            #expect(missing?.isNoSuchEntity == true)
        }

        @Test func providerUrlMustBeHTTPS() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let error = await #expect(throws: AWSClientError.self) {
                try await iam.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                    url: "http://insecure.example.com", clientIds: [], thumbprints: []))
            }
            #expect(error == .invalidInput(field: "url", reason: "must start with https://, got http://insecure.example.com"))
        }

        @Test func accountSummaryCountsRoles() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let before = try await iam.getAccountSummary()
            #expect(before["RolesQuota"] == 1000)
            let rolesBefore = try #require(before["Roles"])
            _ = try await iam.createRole(CreateRoleRequest(roleName: "s", assumeRolePolicyDocument: TestPolicies.trust()))
            #expect(try await iam.getAccountSummary()["Roles"] == rolesBefore + 1)
        }
    }
}
