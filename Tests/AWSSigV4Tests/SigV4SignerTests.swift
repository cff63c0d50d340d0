import Foundation
import Testing
@testable import AWSSigV4

@Suite struct SigV4SignerTests {
    static let exampleCredentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the test suite's instant.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    @Test(arguments: [
        (1_440_938_160.0, "20150830T123600Z", "20150830"),
        (0.0, "19700101T000000Z", "19700101"),
        (-1.0, "19691231T235959Z", "19691231"),
        (951_868_799.0, "20000229T235959Z", "20000229"),
        (951_868_800.0, "20000301T000000Z", "20000301"),
        (1_735_689_599.999, "20241231T235959Z", "20241231"),
        (4_107_542_400.0, "21000301T000000Z", "21000301"),
    ])
    func timestampsAreFormattedInUTC(epoch: Double, amzDate: String, day: String) {
        let formatted = SigV4Encoding.timestamps(for: Date(timeIntervalSince1970: epoch))
        #expect(formatted.amzDate == amzDate)
        #expect(formatted.day == day)
    }

    @Test func handFormattedTimestampsAgreeWithFoundationOverManyDates() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let epoch = Double(Int64.random(in: 0...4_102_444_800, using: &generator))
            let date = Date(timeIntervalSince1970: epoch)
            let expected = formatter.string(from: date)
            let actual = SigV4Encoding.timestamps(for: date)
            #expect(actual.amzDate == expected, "epoch \(epoch)")
            #expect(actual.day == String(expected.prefix(8)), "epoch \(epoch)")
        }
    }

    @Test func sessionTokenIsAddedAndSignedThroughTheURLAPI() throws {
        // Same request as the suite's get-vanilla-with-session-token case, but entering through a URL.
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let url = try #require(URL(string: "https://example.amazonaws.com/"))
        let headers = signer.signatureHeaders(
            method: "GET", url: url, headers: [], body: Data(), credentials: credentials, date: Self.suiteDate)
        #expect(headers.map(\.0) == ["X-Amz-Security-Token", "X-Amz-Date", "Authorization"])
        #expect(headers[0].1 == credentials.sessionToken)
        #expect(headers[1].1 == "20150830T123600Z")
        #expect(headers[2].1 == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            + "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")
        let canonical = signer.sign(
            SigV4Request(method: "GET", url: url, headers: []), credentials: credentials, date: Self.suiteDate).canonicalRequest
        #expect(canonical.contains("\nx-amz-security-token:\(credentials.sessionToken ?? "")\n"))
    }

    @Test func withoutATokenNoTokenHeaderIsAdded() throws {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let url = try #require(URL(string: "https://iam.amazonaws.com/"))
        let headers = signer.signatureHeaders(
            method: "POST", url: url, headers: [], body: Data("Action=GetAccountSummary&Version=2010-05-08".utf8),
            credentials: Self.exampleCredentials, date: Self.suiteDate)
        #expect(headers.map(\.0) == ["X-Amz-Date", "Authorization"])
    }

    @Test func contentSHA256IsAddedOnlyWhenAskedFor() throws {
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let url = try #require(URL(string: "https://example.amazonaws.com/"))
        let body = Data("Param1=value1".utf8)
        let with = signer.signatureHeaders(
            method: "POST", url: url, headers: [], body: body, credentials: Self.exampleCredentials,
            date: Self.suiteDate, includeContentSHA256: true)
        #expect(with.first { $0.0 == "x-amz-content-sha256" }?.1
            == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
        let without = signer.signatureHeaders(
            method: "POST", url: url, headers: [], body: body, credentials: Self.exampleCredentials, date: Self.suiteDate)
        #expect(!without.contains { $0.0.lowercased() == "x-amz-content-sha256" })
    }

    @Test(arguments: [
        ("http://127.0.0.1:5000/", "host:127.0.0.1:5000"),
        ("https://iam.amazonaws.com/", "host:iam.amazonaws.com"),
        ("https://IAM.AMAZONAWS.COM:443/", "host:iam.amazonaws.com"),
        ("http://localhost:80/", "host:localhost"),
        ("https://sts.us-west-2.amazonaws.com:8443/", "host:sts.us-west-2.amazonaws.com:8443"),
    ])
    func hostIsDerivedFromTheURLWithNonDefaultPorts(url: String, hostLine: String) throws {
        let signer = SigV4Signer(service: "sts", region: "us-west-2")
        let canonical = signer.sign(
            SigV4Request(method: "POST", url: try #require(URL(string: url)), headers: []),
            credentials: Self.exampleCredentials, date: Self.suiteDate).canonicalRequest
        let lines = canonical.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains(hostLine))
    }

    @Test func explicitHostHeaderWinsOverTheURL() throws {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let canonical = signer.sign(
            SigV4Request(method: "POST", url: try #require(URL(string: "http://127.0.0.1:5000/")), headers: [("Host", "iam.amazonaws.com")]),
            credentials: Self.exampleCredentials, date: Self.suiteDate).canonicalRequest
        #expect(canonical.contains("\nhost:iam.amazonaws.com\n"))
        #expect(!canonical.contains("127.0.0.1"))
    }

    @Test func reSigningIgnoresHeadersFromAnEarlierSignature() throws {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token")
        let url = try #require(URL(string: "https://iam.amazonaws.com/"))
        let body = Data("Action=GetRole&RoleName=r&Version=2010-05-08".utf8)
        let baseHeaders = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        let first = signer.signatureHeaders(
            method: "POST", url: url, headers: baseHeaders, body: body, credentials: credentials, date: Self.suiteDate)
        let later = Self.suiteDate.addingTimeInterval(600)
        let resigned = signer.signatureHeaders(
            method: "POST", url: url, headers: baseHeaders + first, body: body, credentials: credentials, date: later)
        let fresh = signer.signatureHeaders(
            method: "POST", url: url, headers: baseHeaders, body: body, credentials: credentials, date: later)
        #expect(resigned.map(\.0) == fresh.map(\.0))
        #expect(resigned.map(\.1) == fresh.map(\.1))
        #expect(resigned.last?.1 != first.last?.1)
    }

    @Test func hopByHopAndAgentHeadersAreNotSigned() throws {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let result = signer.sign(
            SigV4Request(
                method: "POST", path: "/",
                headers: [("Host", "iam.amazonaws.com"), ("User-Agent", "trustline"), ("Connection", "keep-alive"),
                          ("X-Amzn-Trace-Id", "Root=1"), ("Content-Type", "text/plain")]),
            credentials: Self.exampleCredentials, date: Self.suiteDate)
        #expect(result.signedHeaders == "content-type;host;x-amz-date")
    }

    @Test func signingKeyCacheFollowsTheSecretAndTheDay() throws {
        let shared = SigV4Signer(service: "iam", region: "us-east-1")
        let request = SigV4Request(method: "POST", path: "/", headers: [("Host", "iam.amazonaws.com")])
        let secrets = ["first-secret", "second-secret", "first-secret"]
        let dates = [Self.suiteDate, Self.suiteDate, Self.suiteDate.addingTimeInterval(86_400)]
        var signatures: [String] = []
        for (secret, date) in zip(secrets, dates) {
            let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret)
            let cached = shared.sign(request, credentials: credentials, date: date).signature
            let uncached = SigV4Signer(service: "iam", region: "us-east-1")
                .sign(request, credentials: credentials, date: date).signature
            #expect(cached == uncached, "secret \(secret) at \(date)")
            signatures.append(cached)
        }
        #expect(Set(signatures).count == 3)
    }

    @Test func reusingTheCachedKeyedHMACDoesNotLeakStateBetweenSignatures() {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        let first = SigV4Request(method: "POST", path: "/", headers: [("Host", "iam.amazonaws.com")], body: Data("a=1".utf8))
        let second = SigV4Request(method: "POST", path: "/", headers: [("Host", "iam.amazonaws.com")], body: Data("b=2".utf8))
        let signatures = [first, second, first, second].map {
            signer.sign($0, credentials: Self.exampleCredentials, date: Self.suiteDate).signature
        }
        #expect(signatures[0] == signatures[2])
        #expect(signatures[1] == signatures[3])
        #expect(signatures[0] != signatures[1])
        let fresh = SigV4Signer(service: "iam", region: "us-east-1")
            .sign(second, credentials: Self.exampleCredentials, date: Self.suiteDate).signature
        #expect(fresh == signatures[3])
    }

    @Test func pathsAreNormalizedAndEncodedTwiceLikeNonS3Services() {
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let cases: [(String, String)] = [
            ("", "/"), ("/", "/"), ("/a/b/../c", "/a/c"), ("/a/./b/", "/a/b/"), ("/a/b/..", "/a/"),
            ("/%20x", "/%2520x"), ("/a b", "/a%20b"), ("/../..", "/"),
        ]
        for (path, expected) in cases {
            let canonical = signer.sign(
                SigV4Request(method: "GET", path: path, headers: [("Host", "h")]),
                credentials: Self.exampleCredentials, date: Self.suiteDate
            ).canonicalRequest
            let uri = canonical.split(separator: "\n", omittingEmptySubsequences: false)[1]
            #expect(uri == expected, "path '\(path)'")
        }
    }

    @Test func queryIsDecodedReEncodedAndSorted() {
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let cases: [(String, String)] = [
            ("b=2&a=1", "a=1&b=2"), ("a=2&a=1", "a=1&a=2"), ("flag", "flag="), ("k=a%2fb", "k=a%2Fb"),
            ("k=a+b", "k=a%2Bb"), ("k=%7E", "k=~"), ("&&a=1&", "a=1"), ("A=1&a=1", "A=1&a=1"),
        ]
        for (query, expected) in cases {
            let canonical = signer.sign(
                SigV4Request(method: "GET", path: "/", query: query, headers: [("Host", "h")]),
                credentials: Self.exampleCredentials, date: Self.suiteDate
            ).canonicalRequest
            let canonicalQuery = canonical.split(separator: "\n", omittingEmptySubsequences: false)[2]
            #expect(canonicalQuery == expected, "query '\(query)'")
        }
    }

    @Test func credentialsDescriptionsRedactSecrets() {
        let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "very-secret", sessionToken: "tok3n")
        for text in [credentials.description, credentials.debugDescription, String(describing: credentials)] {
            #expect(text.contains("AKID"))
            #expect(!text.contains("very-secret"))
            #expect(!text.contains("tok3n"))
        }
    }
}
