import AWSClients
import AWSSigV4
import Foundation
import Testing

extension MotoBackedTests {
    /// The web identity credential provider (helper sigv4's) driven through this STS client.
    @Suite struct WebIdentity {
        @Test func providerExchangesTheTokenFileThroughSTSAndTheCredentialsSign() async throws {
            let moto = try currentMoto()
            let account = MotoServer.newAccountId()
            let role = try await moto.iamClient(accountId: account)
                .createRole(CreateRoleRequest(roleName: "irsa", assumeRolePolicyDocument: TestPolicies.trust()))

            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: tokenFile) }
            try Data("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2ln".utf8)
                .write(to: tokenFile)

            let provider = WebIdentityCredentialProvider(
                exchanger: moto.stsClient(accountId: account, credentials: nil), environment: [:],
                roleArn: role.arn, tokenFilePath: tokenFile.path, roleSessionName: "pod-session")
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.isEmpty == false)

            // The temporary credentials sign a call; moto maps the key back to the assumed role.
            let sts = STSClient(
                configuration: moto.configuration(accountId: account), httpClient: moto.httpClient,
                credentialProvider: provider)
            let identity = try await sts.getCallerIdentity()
            #expect(identity.arn == "arn:aws:sts::\(account):assumed-role/irsa/pod-session")
        }
    }
}
