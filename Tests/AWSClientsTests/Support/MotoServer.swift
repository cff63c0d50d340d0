import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport
import Testing

/// A `moto_server` on a free loopback port, started for a test suite and stopped after it.
/// Tests isolate themselves from each other with their own account id (`x-moto-account-id`).
final class MotoServer: Sendable {
    @TaskLocal static var current: MotoServer?

    let port: Int
    let baseURL: URL
    let httpClient: any HTTPClient
    private let child: ChildProcess

    private init(port: Int, child: ChildProcess, httpClient: any HTTPClient) throws {
        self.port = port
        self.child = child
        self.httpClient = httpClient
        guard let url = URL(string: "http://127.0.0.1:\(port)") else {
            throw ChildProcessError.notReady(name: "moto_server", log: "bad port \(port)")
        }
        baseURL = url
    }

    /// Starts moto with `MOTO_IAM_LOAD_MANAGED_POLICIES=true` plus `environment`, and waits
    /// until it answers.
    static func start(environment: [String: String] = [:]) async throws -> MotoServer {
        guard let moto = ChildProcess.find("moto_server") else {
            throw ChildProcessError.missingTool(
                name: "moto_server", hint: "Install it with: pip install 'moto[server]' (the AWS client tests need it).")
        }
        guard let python = ChildProcess.find("python3") else {
            throw ChildProcessError.missingTool(name: "python3", hint: "Install Python 3 (moto_server needs it anyway).")
        }
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try FreePort.pick()
            var env = environment
            env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
            let child = try ChildProcess(
                executable: python,
                arguments: [ChildProcess.fixture("process_watchdog.py"), moto, "-H", "127.0.0.1", "-p", String(port)],
                environment: env, logName: "moto")
            let server = try MotoServer(port: port, child: child, httpClient: CurlHTTPClient(tls: .system))
            do {
                try await server.waitUntilReady()
                return server
            } catch {
                lastError = error
                await child.stop()
            }
        }
        throw lastError ?? ChildProcessError.notReady(name: "moto_server", log: "")
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        guard let probe = URL(string: "/moto-api/", relativeTo: baseURL)?.absoluteURL else { return }
        while ContinuousClock.now < deadline {
            if !child.process.isRunning { break }
            if let response = try? await httpClient.send(HTTPRequest(url: probe, timeout: .seconds(2))),
               response.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ChildProcessError.notReady(name: "moto_server on port \(port)", log: child.recentLog())
    }

    func stop() async {
        await child.stop()
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
        do {
            try await MotoServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
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
