import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport
import Testing

/// The S3 client against moto with SigV4 verification on (its own moto process: verification is
/// process-wide): objects round-trip with their content type and ETag, keys that need encoding
/// sign correctly, a missing key reads as nil, and a wrong secret or a user without a policy is
/// refused as S3 refuses them.
@Suite(.motoServer(environment: [:]), .serialized)
struct S3ClientMotoTests {
    static let bucket = "trustline-oidc-test"

    func s3Client(_ moto: MotoServer, credentials: AWSCredentials, httpClient: (any HTTPClient)? = nil) -> S3Client {
        S3Client(
            configuration: AWSClientConfiguration(endpoint: moto.endpoint), addressing: .pathStyle,
            httpClient: httpClient ?? moto.httpClient, credentialProvider: StaticCredentialProvider(credentials))
    }

    @Test func objectsRoundTripUnderSignatureVerification() async throws {
        let moto = try currentMoto()
        let admin = moto.iamClient(accountId: nil)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}]}"#
        let alice = try await SigV4VerifierTests.createUser("s3-alice", policy: policy, admin: admin)
        let bob = try await SigV4VerifierTests.createUser("s3-bob", policy: nil, admin: admin)
        let reset = try await moto.control(path: "/moto-api/reset-auth", body: "0")
        try #require(reset.status == 200, "moto refused reset-auth: \(String(decoding: reset.body, as: UTF8.self))")

        let s3 = s3Client(moto, credentials: alice)
        try await s3.createBucket(Self.bucket)

        let discovery = Data(#"{"issuer":"https://trustline-oidc-test.s3.us-east-1.amazonaws.com","jwks_uri":"https://trustline-oidc-test.s3.us-east-1.amazonaws.com/openid/v1/jwks"}"#.utf8)
        let etag = try await s3.putObject(
            bucket: Self.bucket, key: ".well-known/openid-configuration", body: discovery, contentType: "application/json")
        #expect(etag?.isEmpty == false)

        let read = try #require(try await s3.getObject(bucket: Self.bucket, key: ".well-known/openid-configuration"))
        #expect(read.body == discovery)
        #expect(read.contentType == "application/json")
        #expect(read.etag == etag)

        let head = try #require(try await s3.headObject(bucket: Self.bucket, key: ".well-known/openid-configuration"))
        #expect(head.etag == etag)
        #expect(head.contentLength == discovery.count)
        #expect(head.contentType == "application/json")

        // Keys that need encoding: the wire path and the signed path agree, or moto would refuse.
        // (moto's own verifier re-encodes non-ASCII, `+` and `=` differently from AWS and refuses
        // boto3's signatures for such keys too; S3BotocoreDifferentialTests covers them.)
        for key in ["prefix with space/openid/v1/jwks", "a/./b/../c", "tilde~under_score-dash.dot"] {
            let body = Data("{\"key\":\"\(key)\"}".utf8)
            try await s3.putObject(bucket: Self.bucket, key: key, body: body, contentType: "application/json")
            let back = try await s3.getObject(bucket: Self.bucket, key: key)
            #expect(back?.body == body, "\(key)")
        }

        // Rewriting changes the ETag; nothing there reads as nil.
        let rotated = try await s3.putObject(
            bucket: Self.bucket, key: ".well-known/openid-configuration", body: Data("{}".utf8), contentType: "application/json")
        #expect(rotated != etag)
        #expect(try await s3.getObject(bucket: Self.bucket, key: "openid/v1/missing") == nil)
        #expect(try await s3.headObject(bucket: Self.bucket, key: "openid/v1/missing") == nil)

        // A missing bucket is an error, not an absent object.
        let noBucket = await #expect(throws: AWSClientError.self) {
            try await s3.getObject(bucket: "no-such-bucket-here", key: "k")
        }
        #expect(noBucket?.serviceError?.code == "NoSuchBucket")

        // A wrong secret: SignatureDoesNotMatch after one attempt (S3 answers 403; no skew to correct).
        let recorder = RecordingHTTPClient(wrapping: moto.httpClient)
        let forged = s3Client(
            moto, credentials: AWSCredentials(accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey + "x"),
            httpClient: recorder)
        let mismatch = await #expect(throws: AWSClientError.self) {
            try await forged.putObject(bucket: Self.bucket, key: "forged", body: Data("x".utf8), contentType: "text/plain")
        }
        #expect(mismatch?.serviceError?.code == "SignatureDoesNotMatch")
        #expect(mismatch?.serviceError?.httpStatus == 403)
        #expect(recorder.recordedActions.count == 1)
        #expect(try await s3.getObject(bucket: Self.bucket, key: "forged") == nil)

        // A valid signature without permission.
        let denied = await #expect(throws: AWSClientError.self) {
            try await s3Client(moto, credentials: bob).getObject(bucket: Self.bucket, key: ".well-known/openid-configuration")
        }
        #expect(denied?.isAccessDenied == true, "got \(String(describing: denied))")
    }
}
