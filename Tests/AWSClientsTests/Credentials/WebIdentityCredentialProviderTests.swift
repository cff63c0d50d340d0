import AWSSigV4
import Foundation
import Testing
@testable import AWSClients

/// Issue 2, must-show 6: the token file is re-read, credentials refresh before expiry, and concurrent
/// callers share one refresh.
@Suite struct WebIdentityCredentialProviderTests {
    static let roleArn = "arn:aws:iam::123456789012:role/trustline-operator"

    struct Fixture {
        let directory: TemporaryCredentialDirectory
        let clock: CredentialTestClock
        let exchanger: RecordingWebIdentityExchanger
        let provider: WebIdentityCredentialProvider
        var tokenPath: String { directory.path("token") }

        init(
            lifetime: TimeInterval = 3_600, delay: Duration = .zero, refreshWindow: TimeInterval = 300,
            extraEnvironment: [String: String] = [:], durationSeconds: Int? = nil
        ) throws {
            directory = try TemporaryCredentialDirectory()
            clock = CredentialTestClock()
            exchanger = RecordingWebIdentityExchanger(clock: clock, lifetime: lifetime, delay: delay)
            var environment = [
                "AWS_ROLE_ARN": WebIdentityCredentialProviderTests.roleArn,
                "AWS_WEB_IDENTITY_TOKEN_FILE": directory.path("token"),
            ]
            environment.merge(extraEnvironment) { _, new in new }
            let clock = self.clock
            provider = WebIdentityCredentialProvider(
                exchanger: exchanger, environment: environment, durationSeconds: durationSeconds,
                refreshWindow: refreshWindow, clock: { clock.now })
        }

        func writeToken(_ token: String) throws { try directory.write("token", token) }
    }

    @Test func tokenFileRewrittenBetweenExchangesIsReRead() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try fixture.writeToken("token-one\n")
        let first = try await fixture.provider.credentials()
        fixture.clock.advance(by: 3_600 - 299)  // inside the 5-minute window
        try fixture.writeToken("token-two")
        let second = try await fixture.provider.credentials()
        fixture.clock.advance(by: 3_600)  // long expired
        try fixture.writeToken("  token-three  \n")
        let third = try await fixture.provider.credentials()

        let tokens = await fixture.exchanger.exchanges.map(\.token)
        #expect(tokens == ["token-one", "token-two", "token-three"])
        #expect([first.accessKeyId, second.accessKeyId, third.accessKeyId] == ["ASIA1", "ASIA2", "ASIA3"])
        let roles = await Set(fixture.exchanger.exchanges.map(\.roleArn))
        #expect(roles == [Self.roleArn])
    }

    @Test func credentialsAreCachedUntilFiveMinutesBeforeExpiry() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try fixture.writeToken("token")
        let first = try await fixture.provider.credentials()
        #expect(first.expiration == fixture.clock.now.addingTimeInterval(3_600))

        fixture.clock.advance(by: 3_000)  // 600 s left
        #expect(try await fixture.provider.credentials() == first)
        fixture.clock.advance(by: 299)  // 301 s left
        #expect(try await fixture.provider.credentials() == first)
        #expect(await fixture.exchanger.exchanges.count == 1)

        fixture.clock.advance(by: 1)  // exactly 300 s left: refresh
        let refreshed = try await fixture.provider.credentials()
        #expect(refreshed.accessKeyId == "ASIA2")
        #expect(await fixture.exchanger.exchanges.count == 2)
        #expect(try await fixture.provider.credentials() == refreshed)
        #expect(await fixture.exchanger.exchanges.count == 2)
    }

    @Test func refreshWindowIsConfigurable() async throws {
        let fixture = try Fixture(refreshWindow: 60)
        defer { fixture.directory.remove() }
        try fixture.writeToken("token")
        _ = try await fixture.provider.credentials()
        fixture.clock.advance(by: 3_600 - 200)  // 200 s left: outside a 60 s window
        _ = try await fixture.provider.credentials()
        #expect(await fixture.exchanger.exchanges.count == 1)
        fixture.clock.advance(by: 141)  // 59 s left
        _ = try await fixture.provider.credentials()
        #expect(await fixture.exchanger.exchanges.count == 2)
    }

    @Test func fiftyConcurrentCallersTriggerExactlyOneExchange() async throws {
        let fixture = try Fixture(delay: .milliseconds(200))
        defer { fixture.directory.remove() }
        try fixture.writeToken("token")
        let provider = fixture.provider
        for round in 1...2 {
            let results = try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
                for _ in 0..<50 { group.addTask { try await provider.credentials() } }
                return try await group.reduce(into: [AWSCredentials]()) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(Set(results.map(\.accessKeyId)) == ["ASIA\(round)"])
            #expect(await fixture.exchanger.exchanges.count == round)
            fixture.clock.advance(by: 3_500)  // into the refresh window for the next round
        }
    }

    @Test func failedRefreshFallsBackToUnexpiredCredentialsThenFails() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        try fixture.writeToken("token")
        let first = try await fixture.provider.credentials()
        await fixture.exchanger.setFailing(true)
        fixture.clock.advance(by: 3_500)  // 100 s left: refresh attempted, fails, still valid
        #expect(try await fixture.provider.credentials() == first)
        fixture.clock.advance(by: 100)  // expired
        await #expect(throws: RecordingWebIdentityExchanger.ExchangeFailure.self) {
            try await fixture.provider.credentials()
        }
        await fixture.exchanger.setFailing(false)
        #expect(try await fixture.provider.credentials().accessKeyId == "ASIA4")
    }

    @Test func sessionNameAndDurationReachTheExchange() async throws {
        let fixture = try Fixture(extraEnvironment: ["AWS_ROLE_SESSION_NAME": "my-session"], durationSeconds: 900)
        defer { fixture.directory.remove() }
        try fixture.writeToken("token")
        _ = try await fixture.provider.credentials()
        let exchange = try #require(await fixture.exchanger.exchanges.first)
        #expect(exchange.roleSessionName == "my-session")
        #expect(exchange.durationSeconds == 900)
    }

    @Test func defaultSessionNameIsTrustlinePlusTimestamp() throws {
        let clock = CredentialTestClock(Date(timeIntervalSince1970: 1_800_000_000.123))
        let provider = WebIdentityCredentialProvider(
            exchanger: RecordingWebIdentityExchanger(clock: clock),
            environment: ["AWS_ROLE_ARN": Self.roleArn, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"],
            clock: { clock.now })
        let configuration = try provider.configuration()
        #expect(configuration.roleSessionName == "trustline-1800000000123")
        #expect(WebIdentityCredentialProvider.isValidRoleSessionName(configuration.roleSessionName))
        #expect(configuration.tokenFilePath == "/var/run/token")
    }

    @Test func parametersOverrideTheEnvironment() throws {
        let clock = CredentialTestClock()
        let provider = WebIdentityCredentialProvider(
            exchanger: RecordingWebIdentityExchanger(clock: clock),
            environment: ["AWS_ROLE_ARN": "arn:env", "AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token",
                          "AWS_ROLE_SESSION_NAME": "env-session"],
            roleArn: "arn:param", tokenFilePath: "/param/token", roleSessionName: "param-session")
        #expect(try provider.configuration() == .init(
            roleArn: "arn:param", tokenFilePath: "/param/token", roleSessionName: "param-session"))
    }

    @Test(arguments: [
        ([:], CredentialProviderError.notConfigured(
            provider: "web identity", reason: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set")),
        (["AWS_ROLE_ARN": "arn:x"], CredentialProviderError.incompleteEnvironment(
            set: "AWS_ROLE_ARN", missing: "AWS_WEB_IDENTITY_TOKEN_FILE")),
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"], CredentialProviderError.incompleteEnvironment(
            set: "AWS_WEB_IDENTITY_TOKEN_FILE", missing: "AWS_ROLE_ARN")),
        (["AWS_ROLE_ARN": "arn:x", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_SESSION_NAME": "has space"],
         CredentialProviderError.invalidRoleSessionName("has space")),
        (["AWS_ROLE_ARN": "arn:x", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_SESSION_NAME": "x"],
         CredentialProviderError.invalidRoleSessionName("x")),
    ] as [([String: String], CredentialProviderError)])
    func configurationErrorsNameTheVariable(environment: [String: String], expected: CredentialProviderError) async {
        let clock = CredentialTestClock()
        let exchanger = RecordingWebIdentityExchanger(clock: clock)
        let provider = WebIdentityCredentialProvider(exchanger: exchanger, environment: environment)
        await #expect(throws: expected) { try await provider.credentials() }
        #expect(await exchanger.exchanges.isEmpty)
    }

    @Test func missingAndEmptyTokenFilesAreClearErrors() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let missing = try await #require(throws: CredentialProviderError.self) {
            try await fixture.provider.credentials()
        }
        guard case .webIdentityTokenUnreadable(let path, _) = missing else {
            Issue.record("expected webIdentityTokenUnreadable, got \(missing)")
            return
        }
        #expect(path == fixture.tokenPath)
        #expect(missing.description.contains("AWS_WEB_IDENTITY_TOKEN_FILE"))

        try fixture.writeToken(" \n")
        await #expect(throws: CredentialProviderError.webIdentityTokenEmpty(path: fixture.tokenPath)) {
            try await fixture.provider.credentials()
        }
        #expect(await fixture.exchanger.exchanges.isEmpty)
    }
}
