import Foundation
import Testing
import AWSSigV4
import TestSupport

/// Signs the same Query-API requests with this signer and with botocore's `SigV4Auth` (run as a
/// subprocess at the same fixed instant) and compares the headers both add.
@Suite struct BotocoreDifferentialTests {
    struct Case: Codable {
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
        var service: String
        var region: String
        var epoch: Double
    }

    struct BotocoreResult: Codable {
        var authorization: String
        var amzDate: String
        var securityToken: String?
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
    credentials = Credentials(case["accessKeyId"], case["secretAccessKey"], case.get("sessionToken"))
    auth.SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
    results.append({"authorization": request.headers["Authorization"],
                    "amzDate": request.headers["X-Amz-Date"],
                    "securityToken": request.headers.get("X-Amz-Security-Token")})
json.dump(results, sys.stdout)
"""#

    /// Runs botocore in python3 off the cooperative pool (`Command.run`): parallel suites' servers need it.
    static func runBotocore(_ cases: [Case]) async throws -> [BotocoreResult] {
        let result = try await Command.run(
            "/usr/bin/env", ["python3", "-c", script], input: try JSONEncoder().encode(cases))
        try #require(
            result.status == 0,
            "python3 with botocore is required for this test (pip install boto3); it failed: \(result.errorText)")
        return try JSONDecoder().decode([BotocoreResult].self, from: result.output)
    }

    static let form = "application/x-www-form-urlencoded; charset=utf-8"
    static let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#

    static var cases: [Case] {
        let encodedPolicy = policy.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return [
            Case(method: "POST", url: "https://iam.amazonaws.com/", headers: [["Content-Type", form]],
                 body: "Action=GetRole&RoleName=trustline-app&Version=2010-05-08",
                 accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                 sessionToken: nil, service: "iam", region: "us-east-1", epoch: 1_764_400_000),
            Case(method: "POST", url: "https://iam.amazonaws.com/", headers: [["Content-Type", form]],
                 body: "Action=CreateRole&AssumeRolePolicyDocument=\(encodedPolicy)&RoleName=r1&Version=2010-05-08",
                 accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret/with+chars",
                 sessionToken: "FwoGZXIvYXdzEXAMPLE//token==", service: "iam", region: "us-east-1", epoch: 1_764_400_001),
            Case(method: "POST", url: "https://sts.eu-west-1.amazonaws.com/", headers: [["Content-Type", form]],
                 body: "Action=GetCallerIdentity&Version=2011-06-15",
                 accessKeyId: "ASIAEXAMPLE2", secretAccessKey: "s2", sessionToken: "t2",
                 service: "sts", region: "eu-west-1", epoch: 1_893_456_000),
            Case(method: "POST", url: "http://127.0.0.1:5123/", headers: [["Content-Type", form], ["X-Custom", "  a   b  "]],
                 body: "Action=ListRoles&MaxItems=1&Version=2010-05-08",
                 accessKeyId: "AKIDLOCAL", secretAccessKey: "local", sessionToken: nil,
                 service: "iam", region: "us-gov-west-1", epoch: 1_700_000_000),
            Case(method: "GET", url: "https://iam.cn-north-1.amazonaws.com.cn/?Version=2010-05-08&Action=ListRoles",
                 headers: [], body: "", accessKeyId: "AKIDCN", secretAccessKey: "cn", sessionToken: nil,
                 service: "iam", region: "cn-north-1", epoch: 1_600_000_000),
            // An already-encoded path is encoded again (non-S3 rule); an encoded query value is kept.
            Case(method: "GET", url: "https://iam.us-gov.amazonaws.com/a%20b/./c/?Marker=abc%2Fdef%3D&MaxItems=10",
                 headers: [["X-Amz-Meta", "x"]], body: "", accessKeyId: "AKIDGOV", secretAccessKey: "gov",
                 sessionToken: "gov-token", service: "iam", region: "us-gov-west-1", epoch: 1_700_000_123),
        ]
    }

    @Test func headersMatchBotocoreForQueryAPIRequests() async throws {
        let cases = Self.cases
        let expected = try await Self.runBotocore(cases)
        try #require(expected.count == cases.count)
        for (testCase, botocore) in zip(cases, expected) {
            let signer = SigV4Signer(service: testCase.service, region: testCase.region)
            let headers = signer.signatureHeaders(
                method: testCase.method, url: try #require(URL(string: testCase.url)),
                headers: testCase.headers.map { ($0[0], $0[1]) }, body: Data(testCase.body.utf8),
                credentials: AWSCredentials(
                    accessKeyId: testCase.accessKeyId, secretAccessKey: testCase.secretAccessKey,
                    sessionToken: testCase.sessionToken),
                date: Date(timeIntervalSince1970: testCase.epoch))
            let byName = Dictionary(headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
            #expect(byName["authorization"] == botocore.authorization, "\(testCase.url) \(testCase.body)")
            #expect(byName["x-amz-date"] == botocore.amzDate)
            #expect(byName["x-amz-security-token"] == botocore.securityToken)
        }
    }
}
