import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport
import TestSupport
import Testing

/// The suite's `moto_server` (a `MotoServerProcess` from TestSupport) with the AWS clients the tests
/// build against it. Tests isolate themselves from each other with their own account id
/// (`x-moto-account-id`).
final class MotoServer: Sendable {
    @TaskLocal static var current: MotoServer?

    let server: MotoServerProcess

    private init(server: MotoServerProcess) {
        self.server = server
    }

    var port: Int { server.port }
    var baseURL: URL { server.baseURL }
    var httpClient: any HTTPClient { server.httpClient }

    /// Starts moto with `MOTO_IAM_LOAD_MANAGED_POLICIES=true` plus `environment`, and waits
    /// until it answers (on a new port when the first one turns out to be taken).
    static func start(environment: [String: String] = [:]) async throws -> MotoServer {
        MotoServer(server: try await MotoServerProcess.start(environment: environment, httpClient: CurlHTTPClient(tls: .system)))
    }

    func stop() async {
        await server.stop()
    }

    /// A fresh 12-digit account id, so a test sees only its own IAM entities.
    static func newAccountId() -> String {
        String(Int.random(in: 100_000_000_000...999_999_999_999))
    }

    var endpoint: AWSEndpoint { AWSEndpoint(url: baseURL, signingRegion: "us-east-1") }

    /// Client configuration for `accountId` (nil: moto's default account 123456789012).
    func configuration(accountId: String?, retry: RetryStrategy = .standard) -> AWSClientConfiguration {
        var headers = HTTPHeaders()
        if let accountId { headers["x-moto-account-id"] = accountId }
        return AWSClientConfiguration(endpoint: endpoint, extraHeaders: headers, retry: retry)
    }

    func iamClient(accountId: String?, credentials: AWSCredentials = .testDefault) -> IAMClient {
        IAMClient(
            configuration: configuration(accountId: accountId), httpClient: httpClient,
            credentialProvider: StaticCredentialProvider(credentials))
    }

    func stsClient(accountId: String?, credentials: AWSCredentials? = .testDefault) -> STSClient {
        STSClient(
            configuration: configuration(accountId: accountId), httpClient: httpClient,
            credentialProvider: credentials.map { StaticCredentialProvider($0) })
    }

    /// POSTs to a moto control endpoint such as `/moto-api/reset-auth`.
    func control(path: String, body: String) async throws -> HTTPResponse {
        let url = try #require(URL(string: path, relativeTo: baseURL)?.absoluteURL)
        return try await httpClient.send(HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "text/plain"], body: Data(body.utf8)))
    }
}

/// Starts one moto_server around a whole suite (nested suites included) and publishes it as
/// `MotoServer.current`; the server is stopped when the suite ends, failed or not.
struct MotoServerTrait: SuiteTrait, TestScoping {
    var environment: [String: String]
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await MotoServer.start(environment: environment)
        try await withTeardown {
            try await MotoServer.$current.withValue(server) { try await function() }
        } teardown: {
            await server.stop()
        }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto_server for the suite.
    static var motoServer: MotoServerTrait { MotoServerTrait(environment: [:]) }
    static func motoServer(environment: [String: String]) -> MotoServerTrait {
        MotoServerTrait(environment: environment)
    }
}

/// The suite's moto server; fails the test clearly when the suite lacks the trait.
func currentMoto() throws -> MotoServer {
    try #require(MotoServer.current, "this suite needs the .motoServer trait")
}
