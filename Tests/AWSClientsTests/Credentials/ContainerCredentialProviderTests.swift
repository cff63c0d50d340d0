import AWSSigV4
import Foundation
import HTTPTransport
import Testing
@testable import AWSClients

/// Issue 9, part 5: the container credential provider (EKS Pod Identity, ECS) against a loopback fixture.
@Suite struct ContainerCredentialProviderTests {
    // MARK: which URLs are allowed (the SDKs' rule: https anywhere, http only to loopback and metadata hosts)

    struct EndpointCase: CustomTestStringConvertible, Sendable {
        var environment: [String: String]
        /// The URL expected, or `nil` when the variable must be refused.
        var expected: String?
        var testDescription: String { environment.description }
    }

    static let endpointCases: [EndpointCase] = [
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/v1"], expected: "https://creds.example.com/v1"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"], expected: "http://169.254.170.23/v1/credentials"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/v1/credentials"], expected: "http://[fd00:ec2::23]/v1/credentials"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.2/creds"], expected: "http://169.254.170.2/creds"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/x"], expected: "http://127.0.0.1:8080/x"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.9.8.7/x"], expected: "http://127.9.8.7/x"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[::1]:9/x"], expected: "http://[::1]:9/x"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost/x"], expected: "http://localhost/x"),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://creds.example.com/v1"], expected: nil),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.169.254/x"], expected: nil),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://128.0.0.1/x"], expected: nil),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "ftp://127.0.0.1/x"], expected: nil),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "/relative/only"], expected: nil),
        .init(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], expected: "http://169.254.170.2/v2/credentials/abc"),
        // The relative URI wins over the full one, as in the SDKs.
        .init(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://creds.example.com/refused-if-used",
            ],
            expected: "http://169.254.170.2/v2/credentials/abc"),
    ]

    @Test(arguments: endpointCases)
    func endpointRules(_ testCase: EndpointCase) throws {
        let provider = ContainerCredentialProvider(httpClient: CurlHTTPClient(), environment: testCase.environment)
        if let expected = testCase.expected {
            #expect(try provider.endpoint()?.url.absoluteString == expected)
        } else {
            let error = try #require(throws: CredentialProviderError.self) { try provider.endpoint() }
            guard case .credentialEndpointRejected(let variable, _, _) = error else {
                Issue.record("expected credentialEndpointRejected, got \(error)")
                return
            }
            #expect(variable == "AWS_CONTAINER_CREDENTIALS_FULL_URI")
            #expect(error.description.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        }
    }

    @Test func notConfiguredWithoutEitherVariable() async throws {
        let provider = ContainerCredentialProvider(httpClient: CurlHTTPClient(), environment: [:])
        await #expect(throws: CredentialProviderError.notConfigured(
            provider: "container",
            reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI are not set")
        ) { try await provider.credentials() }
    }

    // MARK: against a loopback fixture server

    struct Fixture {
        let directory: TemporaryCredentialDirectory
        let clock = CredentialTestClock()
        let server: FaultServer

        func provider(
            token: String? = nil, tokenFile: Bool = true, timeout: Duration = .seconds(2), attempts: Int = 3
        ) throws -> ContainerCredentialProvider {
            var environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(server.port)/v1/credentials"]
            if tokenFile {
                environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = directory.path("token")
            }
            if let token { environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token }
            let clock = self.clock
            return ContainerCredentialProvider(
                httpClient: CurlHTTPClient(), environment: environment, timeout: timeout, attempts: attempts,
                retryPause: .milliseconds(10), clock: { clock.now })
        }
    }

    static func withFixture(_ script: [FaultStep], _ body: (Fixture) async throws -> Void) async throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        try await FaultServer.with(script) { server in
            try await body(Fixture(directory: directory, server: server))
        }
    }

    @Test func sendsTheTokenFromTheFileReReadOnEachFetchAndRefreshesBeforeExpiry() async throws {
        let start = CredentialTestClock().now
        try await Self.withFixture([
            .respond(status: 200, body: MetadataFixtures.credentials("ASIAONE", expires: start.addingTimeInterval(900))),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIATWO", expires: start.addingTimeInterval(4_500))),
        ]) { fixture in
            try fixture.directory.write("token", "pod-identity-token-1\n")
            let provider = try fixture.provider()
            let first = try await provider.credentials()
            #expect(first.accessKeyId == "ASIAONE")
            #expect(first.secretAccessKey == "secret-ASIAONE")
            #expect(first.sessionToken == "token-ASIAONE")
            #expect(first.expiration == start.addingTimeInterval(900))

            // Still outside the 5-minute window: served from the cache.
            fixture.clock.advance(by: 500)
            #expect(try await provider.credentials().accessKeyId == "ASIAONE")
            #expect(try await fixture.server.requests().count == 1)

            // The kubelet rotated the token; inside the window the provider fetches again with the new one.
            try fixture.directory.write("token", "pod-identity-token-2")
            fixture.clock.advance(by: 150)
            #expect(try await provider.credentials().accessKeyId == "ASIATWO")
            let requests = try await fixture.server.requests()
            #expect(requests.map(\.method) == ["GET", "GET"])
            #expect(requests.map(\.path) == ["/v1/credentials", "/v1/credentials"])
            #expect(requests.map { $0.headers["authorization"] } == ["pod-identity-token-1", "pod-identity-token-2"])
            #expect(requests.allSatisfy { $0.headers["accept"] == "application/json" })
        }
    }

    @Test func tokenFileWinsOverTheTokenVariable() async throws {
        let expires = CredentialTestClock().now.addingTimeInterval(3_600)
        try await Self.withFixture([.respond(status: 200, body: MetadataFixtures.credentials("ASIA", expires: expires))]) { fixture in
            try fixture.directory.write("token", "from-file")
            _ = try await fixture.provider(token: "from-variable").credentials()
            #expect(try await fixture.server.requests().first?.headers["authorization"] == "from-file")
        }
        try await Self.withFixture([.respond(status: 200, body: MetadataFixtures.credentials("ASIA", expires: expires))]) { fixture in
            _ = try await fixture.provider(token: "from-variable", tokenFile: false).credentials()
            #expect(try await fixture.server.requests().first?.headers["authorization"] == "from-variable")
        }
    }

    @Test func unreadableOrIllegalTokenNamesTheVariableAndSendsNothing() async throws {
        try await Self.withFixture([.respond(status: 500, body: "must not be asked")]) { fixture in
            let missing = try await #require(throws: CredentialProviderError.self) { try await fixture.provider().credentials() }
            #expect(missing.description.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
            #expect(missing.description.contains(fixture.directory.path("token")))
            try fixture.directory.write("token", "line-one\nline-two")
            let illegal = try await #require(throws: CredentialProviderError.self) { try await fixture.provider().credentials() }
            #expect(illegal == .containerAuthorizationTokenInvalid(
                variable: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                reason: "contains a line break, which is not a legal header value"))
            #expect(try await fixture.server.requests().isEmpty)
        }
    }

    @Test func unauthorizedFailsAtOnceAndSaysToCheckTheToken() async throws {
        try await Self.withFixture([.respond(status: 401, body: #"{"message":"bad token"}"#)]) { fixture in
            try fixture.directory.write("token", "stale")
            let error = try await #require(throws: CredentialProviderError.self) { try await fixture.provider().credentials() }
            guard case .credentialEndpointFailed(let provider, _, let reason, let remedy) = error else {
                Issue.record("expected credentialEndpointFailed, got \(error)")
                return
            }
            #expect(provider == "container")
            #expect(reason == #"HTTP 401: {"message":"bad token"}"#)
            #expect(remedy.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
            #expect(try await fixture.server.requests().count == 1)
        }
    }

    @Test func serverErrorsAreRetriedThreeTimesThenReported() async throws {
        let expires = CredentialTestClock().now.addingTimeInterval(3_600)
        try await Self.withFixture([
            .respond(status: 500, body: "agent starting"), .respond(status: 503, body: "still starting"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIALATE", expires: expires)),
        ]) { fixture in
            try fixture.directory.write("token", "t")
            #expect(try await fixture.provider().credentials().accessKeyId == "ASIALATE")
            #expect(try await fixture.server.requests().count == 3)
        }
        try await Self.withFixture([.respond(status: 500, body: "down")]) { fixture in
            try fixture.directory.write("token", "t")
            let error = try await #require(throws: CredentialProviderError.self) { try await fixture.provider().credentials() }
            #expect(error.description.contains("HTTP 500: down after 3 attempt(s)"), "\(error)")
            #expect(try await fixture.server.requests().count == 3)
        }
    }

    @Test func aSilentEndpointTimesOut() async throws {
        try await Self.withFixture([.hang(seconds: 20)]) { fixture in
            try fixture.directory.write("token", "t")
            let started = ContinuousClock.now
            let error = try await #require(throws: CredentialProviderError.self) {
                try await fixture.provider(timeout: .milliseconds(400), attempts: 2).credentials()
            }
            let elapsed = ContinuousClock.now - started
            #expect(error.description.contains("after 2 attempt(s)"), "\(error)")
            #expect(error.description.contains("timed out"), "\(error)")
            // The server hangs 20 s: without working timeouts two attempts take 40 s. The bound is loose
            // because a loaded 2-core CI machine stretched 1.8 s to 3.4 s.
            #expect(elapsed < .seconds(15), "two 400 ms attempts took \(elapsed)")
            #expect(try await fixture.server.requests().count == 2)
        }
    }

    @Test(arguments: [
        ("not json", "the body is not a JSON object of strings (it starts with 'not json')"),
        (#"{"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2030-01-01T00:00:00Z"}"#, "the field Token is missing or empty"),
        (#"{"AccessKeyId":"A","SecretAccessKey":"s","Token":"t","Expiration":"tomorrow"}"#,
         "Expiration 'tomorrow' is not an ISO 8601 timestamp such as 2026-01-02T03:04:05Z"),
    ])
    func badJSONNamesWhatIsWrong(body: String, reason: String) async throws {
        try await Self.withFixture([.respond(status: 200, body: body)]) { fixture in
            try fixture.directory.write("token", "t")
            let url = "http://127.0.0.1:\(fixture.server.port)/v1/credentials"
            await #expect(throws: CredentialProviderError.malformedCredentialResponse(provider: "container", url: url, reason: reason)) {
                try await fixture.provider().credentials()
            }
        }
    }

    @Test func fractionalSecondsInExpirationAreAccepted() throws {
        let credentials = try MetadataCredentialsDocument.credentials(
            from: Data(#"{"AccessKeyId":"A","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00.250Z"}"#.utf8),
            provider: "container", url: "u")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_893_456_000.25))
    }
}
