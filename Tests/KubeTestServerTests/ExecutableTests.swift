import Foundation
import Testing
@testable import KubeTestServer

/// The `kube-test-server` command: kubeconfig written once serving, kubectl works with it,
/// SIGTERM stops it cleanly.
@Suite struct ExecutableTests {
    /// The executable is built next to the test bundle by `swift build` / `swift test`.
    static func executablePath() throws -> String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("kube-test-server").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw SubprocessError.missingTool("kube-test-server (run `swift build` so the executable sits next to the test bundle)")
    }

    @Test func servesUntilSIGTERMAndWritesKubeconfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kts-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        let server = try Subprocess.start(
            try Self.executablePath(), ["--kubeconfig-out", kubeconfig, "--issuer", "https://oidc.example.com/test"])
        defer { server.terminate() }
        try await waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: kubeconfig) }

        let namespaces = try await Subprocess.run(
            try ServerFixture.kubectlPath(),
            ["--kubeconfig", kubeconfig, "--cache-dir", directory.appendingPathComponent("cache").path, "get", "namespaces", "-o", "name"])
        #expect(namespaces.status == 0, "\(namespaces.description)")
        #expect(namespaces.stdout.contains("namespace/default"))
        #expect(namespaces.stdout.contains("namespace/kube-system"))

        let text = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        let serverURL = try #require(text.split(separator: "\n").first { $0.contains("server: ") }?.split(separator: " ").last.map(String.init))
        let discovery = try await Subprocess.run("curl", ["-sS", "-k", serverURL + "/.well-known/openid-configuration"])
        #expect(try JSONValue.parse(Data(discovery.stdout.utf8))["issuer"] == "https://oidc.example.com/test")

        kill(server.process.processIdentifier, SIGTERM)
        let output = await server.wait(timeout: .seconds(10))
        #expect(output.status == 0, "\(output.description)")
    }

    @Test func rejectsBadArguments() async throws {
        let output = try await Subprocess.run(try Self.executablePath(), ["--port", "70000"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--port must be between 0 and 65535"))
    }

    @Test(arguments: ["trustline-system/webhook", "webhook=127.0.0.1:9443", "a/b=127.0.0.1:0", "a/=127.0.0.1:1"])
    func rejectsAMalformedWebhookServiceHost(_ entry: String) async throws {
        let output = try await Subprocess.run(try Self.executablePath(), ["--webhook-service-host", entry])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--webhook-service-host must be NAMESPACE/NAME=HOST:PORT"), "\(output.description)")
        #expect(output.stderr.contains(entry), "\(output.description)")
    }
}
