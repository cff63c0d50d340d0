import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport
import Testing

/// moto as an independent SigV4 verifier: a user, its policy and its access key are made
/// through the API, then moto's signature checking is switched on (it is process-wide, hence
/// this suite's own moto process) and calls signed with the right secret must pass, with a
/// wrong secret fail as SignatureDoesNotMatch, and a user without a policy be denied.
@Suite(.motoServer(environment: [:]), .serialized)
struct SigV4VerifierTests {
    struct Keys: Sendable {
        let allowed: AWSCredentials
        let withoutPolicy: AWSCredentials
    }

    /// Runs before auth is switched on: the default account, placeholder credentials.
    static func createUser(_ name: String, policy: String?, admin: IAMClient) async throws -> AWSCredentials {
        let executor = admin.executor
        try await executor.perform(action: "CreateUser", parameters: [("UserName", name)]) { _ throws(XMLDecodingError) in () }
        if let policy {
            try await executor.perform(
                action: "PutUserPolicy",
                parameters: [("UserName", name), ("PolicyName", "allow-iam-sts"), ("PolicyDocument", policy)]
            ) { _ throws(XMLDecodingError) in () }
        }
        return try await executor.perform(action: "CreateAccessKey", parameters: [("UserName", name)]) {
            root throws(XMLDecodingError) in
            let key = try root.requiredElement(at: ["CreateAccessKeyResult", "AccessKey"])
            return AWSCredentials(
                accessKeyId: try key.requiredText(at: ["AccessKeyId"]),
                secretAccessKey: try key.requiredText(at: ["SecretAccessKey"]))
        }
    }

    static func enableAuth(_ moto: MotoServer) async throws -> Keys {
        let admin = moto.iamClient(accountId: nil)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}"#
        let allowed = try await createUser("alice", policy: policy, admin: admin)
        let withoutPolicy = try await createUser("bob", policy: nil, admin: admin)
        let response = try await moto.control(path: "/moto-api/reset-auth", body: "0")
        try #require(response.status == 200, "moto refused reset-auth: \(String(decoding: response.body, as: UTF8.self))")
        return Keys(allowed: allowed, withoutPolicy: withoutPolicy)
    }

    @Test func motoVerifiesOurSignatures() async throws {
        let moto = try currentMoto()
        let keys = try await Self.enableAuth(moto)

        // Right secret: IAM writes and reads, and STS names the user.
        let alice = moto.iamClient(accountId: nil, credentials: keys.allowed)
        let created = try await alice.createRole(CreateRoleRequest(
            roleName: "verified", assumeRolePolicyDocument: TestPolicies.trust(), path: "/trustline/",
            tags: [IAMTag(key: "k", value: "v w")]))
        #expect(try await alice.getRole(roleName: "verified").arn == created.arn)
        try await alice.putRolePolicy(roleName: "verified", policyName: "p", policyDocument: TestPolicies.s3Read())
        #expect(try await alice.listRolePolicies(roleName: "verified") == ["p"])
        let identity = try await moto.stsClient(accountId: nil, credentials: keys.allowed).getCallerIdentity()
        #expect(identity.arn == "arn:aws:iam::123456789012:user/alice")

        // Wrong secret: SignatureDoesNotMatch, after exactly one attempt (a skew check finds none).
        let recorder = RecordingHTTPClient(wrapping: moto.httpClient)
        let forged = IAMClient(
            configuration: moto.configuration(accountId: nil), httpClient: recorder,
            credentialProvider: StaticCredentialProvider(AWSCredentials(
                accessKeyId: keys.allowed.accessKeyId, secretAccessKey: keys.allowed.secretAccessKey + "x")))
        let mismatch = await #expect(throws: AWSClientError.self) { try await forged.getRole(roleName: "verified") }
        #expect(mismatch?.serviceError?.code == "SignatureDoesNotMatch")
        #expect(mismatch?.serviceError?.httpStatus == 403)
        #expect(recorder.recordedActions == ["GetRole"])

        // A user whose signature is fine but who holds no policy: AccessDenied.
        let bob = moto.iamClient(accountId: nil, credentials: keys.withoutPolicy)
        let denied = await #expect(throws: AWSClientError.self) { try await bob.getRole(roleName: "verified") }
        #expect(denied?.isAccessDenied == true, "got \(String(describing: denied))")

        // A key moto never issued.
        let stranger = moto.iamClient(accountId: nil, credentials: AWSCredentials(
            accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: keys.allowed.secretAccessKey))
        let unknown = await #expect(throws: AWSClientError.self) { try await stranger.getRole(roleName: "verified") }
        #expect(unknown?.serviceError?.code == "InvalidClientTokenId")
    }
}
