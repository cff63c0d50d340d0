import AWSClients
import Foundation
import HTTPTransport
import TestSupport

/// A `moto_server` of its own for one test (IAM and STS, AWS managed policies loaded; a
/// `MotoServerProcess` from TestSupport), plus an IAM client to inspect and tamper with what the
/// operator did.
final class MotoServer: Sendable {
    static let accountId = "123456789012"
    static let environment: [String: String] = [
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
    ]

    let server: MotoServerProcess
    let iam: IAMClient

    /// Starts moto with its log in `logDirectory/moto.log` and waits until it answers (on a new
    /// port when the first one turns out to be taken).
    static func start(logDirectory: String) async throws -> MotoServer {
        MotoServer(server: try await MotoServerProcess.start(logDirectory: logDirectory))
    }

    private init(server: MotoServerProcess) {
        self.server = server
        iam = IAMClient(
            configuration: AWSClientConfiguration(endpoint: AWSEndpoint(url: server.baseURL, signingRegion: "us-east-1")),
            httpClient: server.httpClient,
            credentialProvider: EnvironmentCredentialProvider(environment: Self.environment))
    }

    /// `http://127.0.0.1:<port>`.
    var url: String { server.url }
    var process: ChildProcess { server.process }

    /// Environment for a process that should talk to this moto (S3 too: OIDC publishing).
    var clientEnvironment: [String: String] {
        Self.environment.merging(["AWS_ENDPOINT_URL_IAM": url, "AWS_ENDPOINT_URL_STS": url, "AWS_ENDPOINT_URL_S3": url]) { _, new in new }
    }

    func stop() async {
        await server.stop()
    }
}
