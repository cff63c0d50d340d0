import Foundation
import Testing
import TestSupport

/// The settings files the bundle mounts as `--config` are accepted by the operator binary itself:
/// `trustline run` gets past its settings (exit 2 would be a settings error) and fails only later,
/// on the kubeconfig that does not exist.
@Suite struct SettingsFileTests {
    static let files = ["config/manager/config.yaml", "config/eks/config.yaml", "config/self-managed/config.yaml"]

    @Test(arguments: files)
    func operatorAcceptsTheFile(file: String) async throws {
        let trustline = try BuiltProducts.executable("trustline", override: "TRUSTLINE_BINARY")
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missingKubeconfig = directory.appendingPathComponent("no-such-kubeconfig").path
        // No TRUSTLINE_* or AWS_* from the test run; the endpoints are turned off by flag (flags
        // beat the file), so nothing listens beyond loopback.
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path]
        let result = try await Command.run(
            trustline,
            ["run", "--config", Repository.path(file), "--kubeconfig", missingKubeconfig,
             "--metrics-bind-address", "0", "--health-probe-bind-address", "0"],
            environment: environment, mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status == 1, "\(file): \(result.outputText)")
        #expect(result.outputText.contains("no-such-kubeconfig"), "\(result.outputText)")
        #expect(!result.outputText.contains("unknown setting"), "\(result.outputText)")
    }

    /// The check can fail: a file with a misspelt key is a usage error naming the key.
    @Test func aMisspeltKeyIsRefused() async throws {
        let trustline = try BuiltProducts.executable("trustline", override: "TRUSTLINE_BINARY")
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yaml")
        try Data("clusterName: test\nresyncPeriode: 5m\n".utf8).write(to: file)
        let result = try await Command.run(
            trustline, ["run", "--config", file.path, "--kubeconfig", directory.appendingPathComponent("none").path],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path],
            mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status == 2, "\(result.outputText)")
        #expect(result.outputText.contains("resyncPeriode"), "\(result.outputText)")
    }
}
