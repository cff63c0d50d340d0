import Foundation
import KubeTestServer
import TestSupport
import Yams

/// An in-process kube-test-server with a kubeconfig on disk, for kubectl.
struct TestAPIServer: Sendable {
    let server: KubeTestServer
    let directory: URL
    var kubeconfigPath: String { directory.appendingPathComponent("kubeconfig").path }

    /// Starts a server, runs `body`, and always stops it and removes its folder.
    static func with<T: Sendable>(_ body: (TestAPIServer) async throws -> T) async throws -> T {
        let server = try await KubeTestServer.start()
        let directory = try Repository.temporaryDirectory()
        let fixture = TestAPIServer(server: server, directory: directory)
        return try await withTeardown {
            try server.writeKubeconfig(to: fixture.kubeconfigPath)
            return try await body(fixture)
        } teardown: {
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The stand-in cert-manager CRDs (Fixtures/cert-manager-crds.yaml), applied and Established.
    func installCertManagerCRDs() async throws {
        let applied = try await kubectl(["apply", "-f", Repository.fixture("cert-manager-crds.yaml")])
        guard applied.status == 0 else { throw TestSetupError("cert-manager CRDs: \(applied.errorText)") }
        let established = try await kubectl(
            ["wait", "--for=condition=Established", "crd/certificates.cert-manager.io", "crd/issuers.cert-manager.io", "--timeout=30s"])
        guard established.status == 0 else { throw TestSetupError("cert-manager CRDs: \(established.errorText)") }
    }

    /// Runs kubectl against this server.
    func kubectl(_ arguments: [String], input: String? = nil) async throws -> Command.Result {
        try await Command.run(
            try Repository.kubectl(),
            ["--kubeconfig", kubeconfigPath, "--cache-dir", directory.appendingPathComponent("kube-cache").path] + arguments,
            input: input.map { Data($0.utf8) }, timeout: .seconds(120))
    }
}

/// `kubectl kustomize DIR` rendered, as YAML and as objects, without a server.
enum Kustomize {
    static func build(_ relativePath: String) async throws -> (yaml: String, objects: [[String: Any]]) {
        let result = try await Command.run(try Repository.kubectl(), ["kustomize", Repository.path(relativePath)], timeout: .seconds(60))
        guard result.status == 0 else { throw TestSetupError("kubectl kustomize \(relativePath) failed: \(result.errorText)") }
        var objects: [[String: Any]] = []
        for document in try Yams.load_all(yaml: result.outputText) {
            guard let object = document as? [String: Any] else { throw TestSetupError("\(relativePath): a document is not a mapping") }
            objects.append(object)
        }
        return (result.outputText, objects)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The value at a path of keys, e.g. `["spec", "template", "spec"]`.
    func value(at path: [String]) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
}
