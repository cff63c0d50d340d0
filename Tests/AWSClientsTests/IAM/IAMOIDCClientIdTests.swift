import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport
import Testing

/// AddClientIDToOpenIDConnectProvider on the wire, against the scripted server (moto 5.2.1 does
/// not implement it): the Query request, its signature, strict reading of the answer, IAM's
/// errors and the input checks made before any request.
@Suite struct IAMOIDCClientIdTests {
    static let arn = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"

    static let success = FaultStep.respond(
        status: 200,
        body: #"<AddClientIDToOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></AddClientIDToOpenIDConnectProviderResponse>"#)

    @Test func requestIsASignedQueryPOSTNamingProviderAndClientId() async throws {
        try await FaultServer.with([Self.success]) { server throws in
            try await server.iamClient(retry: RetryRecorder().strategy())
                .addClientIDToOpenIDConnectProvider(arn: Self.arn, clientId: "my audience")

            let requests = try await server.requests()
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/")
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8")
            #expect(request.body == "Action=AddClientIDToOpenIDConnectProvider&Version=2010-05-08"
                + "&OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Foidc.example.com%2Fid%2FABC"
                + "&ClientID=my+audience")
            try Self.expectValidSignature(request, endpoint: server.baseURL)
        }
    }

    /// Recomputes the SigV4 signature over what the server received (headers named in
    /// SignedHeaders, the body as sent) and compares it with the Authorization header.
    static func expectValidSignature(_ request: RecordedRequest, endpoint: URL) throws {
        let authorization = try #require(request.headers["authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=\(AWSCredentials.testDefault.accessKeyId)/"))
        #expect(authorization.contains("/us-east-1/iam/aws4_request"))
        let fields = Dictionary(
            authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",").compactMap { part -> (String, String)? in
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            },
            uniquingKeysWith: { first, _ in first })
        let signedNames = try #require(fields["SignedHeaders"]).split(separator: ";").map(String.init)
        #expect(signedNames.contains("host"))
        #expect(signedNames.contains("x-amz-date"))
        var headers: [(String, String)] = []
        for name in signedNames {
            headers.append((name, try #require(request.headers[name], "signed header \(name) was not received")))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = try #require(request.headers["x-amz-date"])
        let date = try #require(formatter.date(from: amzDate))
        let url = try #require(URL(string: request.path, relativeTo: endpoint)?.absoluteURL)
        let expected = SigV4Signer(service: "iam", region: "us-east-1").sign(
            SigV4Request(method: request.method, url: url, headers: headers, body: Data(request.body.utf8)),
            credentials: .testDefault, date: date).signature
        #expect(fields["Signature"] == expected, "the signature covers the request as received")
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var code: String
        var status: Int
        var check: @Sendable (AWSClientError) -> Bool
        var testDescription: String { code }
    }

    @Test(arguments: [
        ErrorCase(code: "NoSuchEntity", status: 404) { $0.isNoSuchEntity },
        ErrorCase(code: "LimitExceeded", status: 409) { $0.isLimitExceeded },
        ErrorCase(code: "InvalidInput", status: 400) { $0.serviceError?.code == "InvalidInput" },
        ErrorCase(code: "ConcurrentModification", status: 409) { $0.serviceError?.code == "ConcurrentModification" },
        ErrorCase(code: "AccessDenied", status: 403) { $0.isAccessDenied },
    ])
    func serviceErrorsAreTypedAndNotRetried(testCase: ErrorCase) async throws {
        try await FaultServer.with([.awsError(status: testCase.status, code: testCase.code, message: "scripted \(testCase.code)")]) {
            server throws in
            let error = await #expect(throws: AWSClientError.self) {
                try await server.iamClient(retry: RetryRecorder().strategy())
                    .addClientIDToOpenIDConnectProvider(arn: Self.arn, clientId: "vault")
            }
            let thrown = try #require(error)
            #expect(testCase.check(thrown), "\(thrown)")
            #expect(thrown.serviceError?.code == testCase.code)
            #expect(thrown.serviceError?.httpStatus == testCase.status)
            #expect(thrown.serviceError?.message == "scripted \(testCase.code)")
            #expect(thrown.serviceError?.requestId == "req-\(testCase.code)")
            #expect(try await server.requests().count == 1, "a client error is not retried")
        }
    }

    @Test func serviceFailureIsRetriedThenSucceeds() async throws {
        try await FaultServer.with([.awsError(status: 500, code: "ServiceFailure"), Self.success]) { server throws in
            let recorder = RetryRecorder()
            try await server.iamClient(retry: recorder.strategy())
                .addClientIDToOpenIDConnectProvider(arn: Self.arn, clientId: "vault")
            #expect(try await server.requests().count == 2)
            #expect(recorder.delays.count == 1)
        }
    }

    @Test(arguments: [
        ("another action's answer", #"<CreateOpenIDConnectProviderResponse><CreateOpenIDConnectProviderResult><OpenIDConnectProviderArn>x</OpenIDConnectProviderArn></CreateOpenIDConnectProviderResult></CreateOpenIDConnectProviderResponse>"#),
        ("truncated", #"<AddClientIDToOpenIDConnectProviderResponse><ResponseMetadata>"#),
        ("empty", ""),
    ])
    func unreadableAnswersAreErrors(label: String, body: String) async throws {
        try await FaultServer.with([.respond(status: 200, body: body)]) { server throws in
            let error = await #expect(throws: AWSClientError.self, "\(label)") {
                try await server.iamClient(retry: RetryRecorder().strategy())
                    .addClientIDToOpenIDConnectProvider(arn: Self.arn, clientId: "vault")
            }
            guard case .invalidResponse(_, 200, _) = error else {
                Issue.record("\(label): expected invalidResponse, got \(String(describing: error))")
                return
            }
        }
    }

    @Test(arguments: [
        ("", "vault", AWSClientError.invalidInput(field: "arn", reason: "must not be empty")),
        (arn, "", AWSClientError.invalidInput(field: "clientId", reason: "must not be empty")),
        (arn, String(repeating: "a", count: 256), AWSClientError.invalidInput(field: "clientId", reason: "must be at most 255 characters, got 256")),
    ])
    func badInputIsRejectedBeforeAnyRequest(arn: String, clientId: String, expected: AWSClientError) async throws {
        try await FaultServer.with([Self.success]) { server throws in
            let error = await #expect(throws: AWSClientError.self) {
                try await server.iamClient(retry: RetryRecorder().strategy())
                    .addClientIDToOpenIDConnectProvider(arn: arn, clientId: clientId)
            }
            #expect(error == expected)
            #expect(try await server.requests().isEmpty)
        }
    }

    @Test func clientIdOfTheMaximumLengthIsSent() async throws {
        try await FaultServer.with([Self.success]) { server throws in
            let clientId = String(repeating: "a", count: IAMClient.maxClientIdLength)
            try await server.iamClient(retry: RetryRecorder().strategy())
                .addClientIDToOpenIDConnectProvider(arn: Self.arn, clientId: clientId)
            #expect(try await server.requests().first?.body.hasSuffix("&ClientID=\(clientId)") == true)
        }
    }
}
