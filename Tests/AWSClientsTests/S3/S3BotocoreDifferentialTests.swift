@testable import AWSClients
import AWSSigV4
import Foundation
import TestSupport
import Testing

/// Signs S3 requests as `S3Client` does (wire URL from `S3ObjectLocation`, the raw path signed
/// without normalization, the payload hash in `x-amz-content-sha256`) and with botocore's
/// `S3SigV4Auth` at the same instant, and compares the headers both add. Keys with `.`/`..`
/// segments, spaces and non-ASCII characters are where S3's rules differ from every other service.
@Suite struct S3BotocoreDifferentialTests {
    struct Case: Codable {
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
        var region: String
        var epoch: Double
        var sessionToken: String?
    }

    struct Result: Codable {
        var authorization: String
        var contentSHA256: String
    }

    static let script = #"""
import sys, json, datetime
try:
    import botocore.auth as auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as error:
    sys.stderr.write("botocore is not installed (pip install boto3): %s\n" % error)
    sys.exit(3)
results = []
for case in json.load(sys.stdin):
    fixed = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    auth.get_current_datetime = lambda fixed=fixed: fixed
    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode("utf-8"),
                         headers={name: value for name, value in case["headers"]})
    credentials = Credentials("AKIDS3EXAMPLE", "s3/secret+key", case.get("sessionToken"))
    auth.S3SigV4Auth(credentials, "s3", case["region"]).add_auth(request)
    results.append({"authorization": request.headers["Authorization"],
                    "contentSHA256": request.headers["X-Amz-Content-SHA256"]})
json.dump(results, sys.stdout)
"""#

    struct Input {
        var method: String
        var endpoint: String
        var addressing: S3Addressing
        var bucket: String
        var key: String
        var body: String
        var contentType: String?
        var region: String
        var sessionToken: String?
    }

    static let inputs: [Input] = [
        Input(method: "PUT", endpoint: "https://s3.eu-west-1.amazonaws.com", addressing: .virtualHosted, bucket: "oidc-bucket",
              key: ".well-known/openid-configuration", body: #"{"issuer":"https://oidc-bucket.s3.eu-west-1.amazonaws.com"}"#,
              contentType: "application/json", region: "eu-west-1", sessionToken: nil),
        Input(method: "GET", endpoint: "http://127.0.0.1:5000", addressing: .pathStyle, bucket: "oidc",
              key: "prod/openid/v1/jwks", body: "", contentType: nil, region: "us-east-1", sessionToken: "token/with+chars=="),
        Input(method: "PUT", endpoint: "https://s3.us-gov-west-1.amazonaws.com", addressing: .virtualHosted, bucket: "bkt",
              key: "a b/ü+x", body: "x", contentType: "text/plain", region: "us-gov-west-1", sessionToken: nil),
        Input(method: "HEAD", endpoint: "http://localhost:9000", addressing: .pathStyle, bucket: "bucket",
              key: "x/../y/./z//w", body: "", contentType: nil, region: "ap-southeast-2", sessionToken: nil),
        Input(method: "GET", endpoint: "https://s3.us-east-1.amazonaws.com", addressing: .virtualHosted, bucket: "dotted.bucket",
              key: "k~tilde_under-score.dot", body: "", contentType: nil, region: "us-east-1", sessionToken: nil),
    ]

    @Test func headersMatchBotocoresS3Signer() async throws {
        var cases: [Case] = []
        var ours: [(authorization: String?, contentSHA256: String?)] = []
        for (index, input) in Self.inputs.enumerated() {
            let location = try S3ObjectLocation.make(
                endpoint: try #require(URL(string: input.endpoint)), addressing: input.addressing, bucket: input.bucket, key: input.key)
            var headers: [(String, String)] = [("Host", QueryRequestExecutor.hostHeader(for: location.url))]
            if let contentType = input.contentType { headers.append(("Content-Type", contentType)) }
            let epoch = 1_764_400_000 + Double(index)
            let signed = SigV4Signer(service: "s3", region: input.region).sign(
                SigV4Request(method: input.method, path: location.signingPath, headers: headers, body: Data(input.body.utf8)),
                credentials: AWSCredentials(accessKeyId: "AKIDS3EXAMPLE", secretAccessKey: "s3/secret+key", sessionToken: input.sessionToken),
                date: Date(timeIntervalSince1970: epoch),
                options: SigV4SigningOptions(includeContentSHA256: true, normalizePath: false))
            let byName = Dictionary(signed.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
            ours.append((byName["authorization"], byName["x-amz-content-sha256"]))
            cases.append(Case(
                method: input.method, url: location.url.absoluteString, headers: headers.map { [$0.0, $0.1] },
                body: input.body, region: input.region, epoch: epoch, sessionToken: input.sessionToken))
        }
        let run = try await Command.run(
            "/usr/bin/env", ["python3", "-c", Self.script], input: try JSONEncoder().encode(cases))
        try #require(run.status == 0, "python3 with botocore is required for this test (pip install boto3); it failed: \(run.errorText)")
        let expected = try JSONDecoder().decode([Result].self, from: run.output)
        try #require(expected.count == cases.count)
        for (index, botocore) in expected.enumerated() {
            #expect(ours[index].authorization == botocore.authorization, "\(cases[index].method) \(cases[index].url)")
            #expect(ours[index].contentSHA256 == botocore.contentSHA256)
        }
    }
}
