import AWSClients
import Foundation
import HTTPTransport

/// A `moto_server` of its own for one test (IAM and STS, AWS managed policies loaded), on a free
/// loopback port, plus an IAM client to inspect and tamper with what the operator did.
final class MotoServer: Sendable {
    static let accountId = "123456789012"
    static let environment: [String: String] = [
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
    ]

    let url: String
    let process: ChildProcess
    let iam: IAMClient

    static func start(logDirectory: String) async throws -> MotoServer {
        let executable = try TestTools.find("moto_server", install: "install it with: pip install 'moto[server]'")
        let port = try TestTools.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        let process = try ChildProcess(
            name: "moto", executable: executable, arguments: ["-H", "127.0.0.1", "-p", "\(port)"],
            environment: environment, logDirectory: logDirectory)
        let url = "http://127.0.0.1:\(port)"
        let client = CurlHTTPClient()
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            guard process.isRunning else {
                throw TestSetupError("moto_server exited at start:\n\(process.log)")
            }
            if let probe = URL(string: "\(url)/moto-api/"),
                let response = try? await client.send(HTTPRequest(method: "GET", url: probe, timeout: .seconds(2))),
                response.status == 200
            {
                break
            }
            guard ContinuousClock.now < deadline else {
                process.stop()
                throw TestSetupError("moto_server did not answer on \(url) within 30s:\n\(process.log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return MotoServer(url: url, process: process, client: client)
    }

    private init(url: String, process: ChildProcess, client: CurlHTTPClient) {
        self.url = url
        self.process = process
        let endpoint = AWSEndpoint(url: URL(string: url) ?? URL(fileURLWithPath: "/"), signingRegion: "us-east-1")
        iam = IAMClient(
            configuration: AWSClientConfiguration(endpoint: endpoint), httpClient: client,
            credentialProvider: EnvironmentCredentialProvider(environment: Self.environment))
    }

    /// Environment for a process that should talk to this moto.
    var clientEnvironment: [String: String] {
        Self.environment.merging(["AWS_ENDPOINT_URL_IAM": url, "AWS_ENDPOINT_URL_STS": url]) { _, new in new }
    }

    func stop() {
        process.stop()
    }
}
