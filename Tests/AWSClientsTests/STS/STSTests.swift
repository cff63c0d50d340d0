import AWSClients
import AWSSigV4
import Foundation
import Testing

extension MotoBackedTests {
    @Suite struct STS {
        @Test func getCallerIdentityNamesTheAccount() async throws {
            let moto = try currentMoto()
            let account = MotoServer.newAccountId()
            let identity = try await moto.stsClient(accountId: account).getCallerIdentity()
            #expect(identity.account == account)
            #expect(identity.arn.hasPrefix("arn:aws:sts::\(account):"))
            #expect(!identity.userId.isEmpty)
        }

        @Test func signedCallWithoutCredentialProviderFailsClearly() async throws {
            let moto = try currentMoto()
            let error = await #expect(throws: AWSClientError.self) {
                try await moto.stsClient(accountId: nil, credentials: nil).getCallerIdentity()
            }
            guard case .credentials = error else {
                Issue.record("expected a credentials error, got \(String(describing: error))")
                return
            }
        }

        @Test func assumeRoleWithWebIdentityIsUnsignedAndReturnsCredentials() async throws {
            let moto = try currentMoto()
            let account = MotoServer.newAccountId()
            let iam = moto.iamClient(accountId: account)
            let role = try await iam.createRole(CreateRoleRequest(roleName: "web", assumeRolePolicyDocument: TestPolicies.trust()))

            // No credential provider at all: the call must not need one.
            let sts = moto.stsClient(accountId: account, credentials: nil)
            let session = try await sts.assumeRoleWithWebIdentitySession(
                roleArn: role.arn, roleSessionName: "trustline-verify", webIdentityToken: "header.payload.signature",
                durationSeconds: 900)
            #expect(session.credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(!session.credentials.secretAccessKey.isEmpty)
            #expect(session.credentials.sessionToken?.isEmpty == false)
            let expiration = try #require(session.credentials.expiration)
            #expect(expiration > Date())
            #expect(session.assumedRoleArn == "arn:aws:sts::\(account):assumed-role/web/trustline-verify")

            // Through the exchanger protocol the credential provider uses.
            let exchanger: any WebIdentityTokenExchanger = sts
            let credentials = try await exchanger.assumeRoleWithWebIdentity(
                roleArn: role.arn, roleSessionName: "s2", webIdentityToken: "t", durationSeconds: nil)
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        }

        @Test func invalidDurationIsRejectedNamingTheField() async throws {
            let moto = try currentMoto()
            let error = await #expect(throws: AWSClientError.self) {
                try await moto.stsClient(accountId: nil, credentials: nil).assumeRoleWithWebIdentitySession(
                    roleArn: "arn:aws:iam::123456789012:role/x", roleSessionName: "s", webIdentityToken: "t",
                    durationSeconds: 60)
            }
            #expect(error == .invalidInput(field: "durationSeconds", reason: "must be between 900 and 43200, got 60"))
        }
    }
}
