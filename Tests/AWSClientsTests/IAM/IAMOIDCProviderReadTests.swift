import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    /// GetOpenIDConnectProvider against moto, as the OIDC provider check reads client ids with it.
    @Suite struct IAMOIDCProviderRead {
        @Test func getReturnsEveryClientIdAndThumbprintInOrder() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let thumbprints = [String(repeating: "ab", count: 20), String(repeating: "cd", count: 20)]
            let clientIds = ["sts.amazonaws.com", "vault", "kafka"]
            let arn = try await iam.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                url: "https://oidc.example.com/id/READ", clientIds: clientIds, thumbprints: thumbprints))

            let provider = try await iam.getOpenIDConnectProvider(arn: arn)

            #expect(provider.url == "oidc.example.com/id/READ")
            #expect(provider.clientIds == clientIds)
            #expect(provider.thumbprints == thumbprints)
            #expect(provider.tags.isEmpty)
            let created = try #require(provider.createDate)
            #expect(abs(created.timeIntervalSinceNow) < 3600, "CreateDate is the creation time: \(created)")
        }

        @Test func providerWithoutClientIdsReadsAsAnEmptyList() async throws {
            let moto = try currentMoto()
            let iam = moto.iamClient(accountId: MotoServer.newAccountId())
            let arn = try await iam.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                url: "https://oidc.example.com/id/EMPTY", clientIds: [], thumbprints: [String(repeating: "ef", count: 20)]))

            #expect(try await iam.getOpenIDConnectProvider(arn: arn).clientIds == [])
        }

        @Test func providersAreScopedToTheirAccount() async throws {
            let moto = try currentMoto()
            let owner = moto.iamClient(accountId: MotoServer.newAccountId())
            let other = moto.iamClient(accountId: MotoServer.newAccountId())
            let arn = try await owner.createOpenIDConnectProvider(CreateOpenIDConnectProviderRequest(
                url: "https://oidc.example.com/id/SCOPED", clientIds: ["sts.amazonaws.com"],
                thumbprints: [String(repeating: "12", count: 20)]))

            #expect(try await other.listOpenIDConnectProviders() == [])
            let error = await #expect(throws: AWSClientError.self) { try await other.getOpenIDConnectProvider(arn: arn) }
            #expect(error?.isNoSuchEntity == true)
            #expect(try await owner.listOpenIDConnectProviders() == [arn])
        }

        @Test func emptyArnIsRejectedBeforeAnyRequest() async throws {
            let moto = try currentMoto()
            let error = await #expect(throws: AWSClientError.self) {
                try await moto.iamClient(accountId: MotoServer.newAccountId()).getOpenIDConnectProvider(arn: "")
            }
            #expect(error == .invalidInput(field: "arn", reason: "must not be empty"))
        }
    }
}
