import AWSSigV4
import Foundation
import HTTPTransport
import Testing
@testable import AWSClients

/// Issue 9, part 5: IMDSv2 against a loopback fixture (token PUT, role list, role credentials).
@Suite struct InstanceMetadataCredentialProviderTests {
    static let listPath = "/latest/meta-data/iam/security-credentials/"

    static func provider(
        _ server: FaultServer, clock: CredentialTestClock, extra: [String: String] = [:]
    ) -> InstanceMetadataCredentialProvider {
        var environment = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(server.port)"]
        environment.merge(extra) { $1 }
        return InstanceMetadataCredentialProvider(httpClient: CurlHTTPClient(), environment: environment, clock: { clock.now })
    }

    @Test func tokenThenRoleThenCredentialsWithTheTokenHeaderAndRefreshReusingTheToken() async throws {
        let clock = CredentialTestClock()
        let start = clock.now
        try await FaultServer.with([
            .respond(status: 200, body: "session-token-1"),
            .respond(status: 200, body: "node-role\n"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIAIMDS1", expires: start.addingTimeInterval(3_600), imds: true)),
            .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIAIMDS2", expires: start.addingTimeInterval(7_200), imds: true)),
        ]) { server in
            let provider = Self.provider(server, clock: clock)
            let first = try await provider.credentials()
            #expect(first.accessKeyId == "ASIAIMDS1")
            #expect(first.sessionToken == "token-ASIAIMDS1")
            #expect(first.expiration == start.addingTimeInterval(3_600))
            clock.advance(by: 3_000)  // outside the 5-minute window: cached
            #expect(try await provider.credentials().accessKeyId == "ASIAIMDS1")
            clock.advance(by: 400)  // inside it: fetched again, with the session token still valid
            #expect(try await provider.credentials().accessKeyId == "ASIAIMDS2")

            let requests = try await server.requests()
            #expect(requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token",
                "GET \(Self.listPath)", "GET \(Self.listPath)node-role",
                "GET \(Self.listPath)", "GET \(Self.listPath)node-role",
            ])
            #expect(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
            #expect(requests[0].headers["x-aws-ec2-metadata-token"] == nil)
            #expect(requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == "session-token-1" })
        }
    }

    @Test func anExpiredSessionTokenIsFetchedAgain() async throws {
        let clock = CredentialTestClock()
        let start = clock.now
        try await FaultServer.with([
            .respond(status: 200, body: "session-token-1"),
            .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIA1", expires: start.addingTimeInterval(600), imds: true)),
            .respond(status: 200, body: "session-token-2"),
            .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIA2", expires: start.addingTimeInterval(30_000), imds: true)),
        ]) { server in
            let provider = Self.provider(server, clock: clock)
            #expect(try await provider.credentials().accessKeyId == "ASIA1")
            clock.advance(by: 21_600)  // the 6-hour session token has run out
            #expect(try await provider.credentials().accessKeyId == "ASIA2")
            let requests = try await server.requests()
            #expect(requests.map(\.method) == ["PUT", "GET", "GET", "PUT", "GET", "GET"])
            #expect(requests[4].headers["x-aws-ec2-metadata-token"] == "session-token-2")
        }
    }

    @Test func a401DropsTheTokenAndRetriesWithANewOne() async throws {
        let clock = CredentialTestClock()
        try await FaultServer.with([
            .respond(status: 200, body: "forgotten-token"),
            .respond(status: 401, body: ""),
            .respond(status: 200, body: "fresh-token"),
            .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIA", expires: clock.now.addingTimeInterval(3_600), imds: true)),
        ]) { server in
            #expect(try await Self.provider(server, clock: clock).credentials().accessKeyId == "ASIA")
            let requests = try await server.requests()
            #expect(requests.map(\.method) == ["PUT", "GET", "PUT", "GET", "GET"])
            #expect(requests.map { $0.headers["x-aws-ec2-metadata-token"] } == [
                nil, "forgotten-token", nil, "fresh-token", "fresh-token",
            ])
        }
    }

    @Test func noRoleIsNotConfiguredSoTheChainCanSayWhatWasTried() async throws {
        let clock = CredentialTestClock()
        try await FaultServer.with([.respond(status: 200, body: "t"), .respond(status: 404, body: "Not Found")]) { server in
            let error = try await #require(throws: CredentialProviderError.self) {
                try await Self.provider(server, clock: clock).credentials()
            }
            #expect(error == .notConfigured(
                provider: "EC2 instance metadata",
                reason: "the instance has no IAM role (http://127.0.0.1:\(server.port)\(Self.listPath) answered 404)"))
        }
    }

    @Test func serverErrorIsAnErrorNamingTheURL() async throws {
        let clock = CredentialTestClock()
        try await FaultServer.with([
            .respond(status: 200, body: "t"), .respond(status: 200, body: "node-role"), .respond(status: 500, body: "broken"),
        ]) { server in
            let error = try await #require(throws: CredentialProviderError.self) {
                try await Self.provider(server, clock: clock).credentials()
            }
            guard case .credentialEndpointFailed(_, let url, let reason, _) = error else {
                Issue.record("expected credentialEndpointFailed, got \(error)")
                return
            }
            #expect(url == "http://127.0.0.1:\(server.port)\(Self.listPath)node-role")
            #expect(reason == "HTTP 500: broken")
        }
    }

    @Test func badJSONAndFailureCodesAreReported() async throws {
        let clock = CredentialTestClock()
        try await FaultServer.with([
            .respond(status: 200, body: "t"), .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}"#),
        ]) { server in
            let error = try await #require(throws: CredentialProviderError.self) {
                try await Self.provider(server, clock: clock).credentials()
            }
            #expect(error == .malformedCredentialResponse(
                provider: "EC2 instance metadata", url: "http://127.0.0.1:\(server.port)\(Self.listPath)node-role",
                reason: "the service answered Code 'AssumeRoleUnauthorizedAccess': denied"))
        }
        try await FaultServer.with([
            .respond(status: 200, body: "t"), .respond(status: 200, body: "node-role"), .respond(status: 200, body: "<html>"),
        ]) { server in
            let error = try await #require(throws: CredentialProviderError.self) {
                try await Self.provider(server, clock: clock).credentials()
            }
            #expect(error.description.contains("is not a JSON object"), "\(error)")
        }
    }

    @Test func aSilentServiceTimesOutAfterTheConfiguredAttemptsAndCountsAsAbsent() async throws {
        let clock = CredentialTestClock()
        try await FaultServer.with([.hang(seconds: 20)]) { server in
            let provider = Self.provider(
                server, clock: clock,
                extra: ["AWS_METADATA_SERVICE_TIMEOUT": "0.3", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"])
            let started = ContinuousClock.now
            let error = try await #require(throws: CredentialProviderError.self) { try await provider.credentials() }
            let elapsed = ContinuousClock.now - started
            guard case .notConfigured(_, let reason) = error else {
                Issue.record("expected notConfigured, got \(error)")
                return
            }
            #expect(reason.contains("no instance metadata service answered at http://127.0.0.1:\(server.port)"), "\(reason)")
            #expect(reason.contains("hop limit"))
            // The server hangs 20 s: without working timeouts two attempts take 40 s. The bound is loose
            // because a loaded 2-core CI machine stretched 0.6 s to 3.2 s.
            #expect(elapsed < .seconds(15), "two 300 ms attempts took \(elapsed)")
            #expect(try await server.requests().map(\.method) == ["PUT", "PUT"])
        }
    }

    @Test func defaultsAndSettingsResolveAsInTheSDKs() throws {
        let defaults = try #require(try InstanceMetadataCredentialProvider.resolve(environment: [:]))
        #expect(defaults == .init(endpoint: try #require(URL(string: "http://169.254.169.254")), timeout: .seconds(1), attempts: 1))
        let ipv6 = try InstanceMetadataCredentialProvider.resolve(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"])
        #expect(ipv6?.endpoint.absoluteString == "http://[fd00:ec2::254]")
        let explicit = try InstanceMetadataCredentialProvider.resolve(environment: [
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://10.0.0.1:1338", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6",
        ])
        #expect(explicit?.endpoint.absoluteString == "http://10.0.0.1:1338")
        #expect(try InstanceMetadataCredentialProvider.resolve(environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"]) == nil)
        #expect(throws: CredentialProviderError.invalidSetting(
            variable: "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", value: "ipv5", expected: "IPv4 or IPv6")
        ) { try InstanceMetadataCredentialProvider.resolve(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"]) }
        #expect(throws: CredentialProviderError.invalidSetting(
            variable: "AWS_METADATA_SERVICE_TIMEOUT", value: "soon", expected: "a number of seconds above 0")
        ) { try InstanceMetadataCredentialProvider.resolve(environment: ["AWS_METADATA_SERVICE_TIMEOUT": "soon"]) }
    }

    @Test func disabledIsNotConfiguredWithoutARequest() async throws {
        let provider = InstanceMetadataCredentialProvider(
            httpClient: CurlHTTPClient(),
            environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"])
        await #expect(throws: CredentialProviderError.notConfigured(
            provider: "EC2 instance metadata", reason: "AWS_EC2_METADATA_DISABLED is true")
        ) { try await provider.credentials() }
    }
}
