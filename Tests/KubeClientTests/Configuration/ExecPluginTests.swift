import Foundation
import HTTPTransport
import KubeModels
import Synchronization
import Testing

@testable import KubeClient

@Suite("Exec credential plugins")
struct ExecPluginTests {
    /// A plugin that counts its runs, saves `KUBERNETES_EXEC_INFO` and its arguments, and prints
    /// a token numbered by run.
    static let script = """
        #!/bin/sh
        n=$(cat "$COUNTER" 2>/dev/null || echo 0)
        n=$((n+1))
        echo "$n" > "$COUNTER"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_OUT"
        echo "$@" > "$ARGS_OUT"
        if [ "$MODE" = fail ]; then echo "no credentials for you" >&2; exit 3; fi
        if [ "$MODE" = wrongversion ]; then
          echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}'
          exit 0
        fi
        if [ "$MODE" = cert ]; then
          printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"clientCertificateData":"%s","clientKeyData":"%s"}}\\n' "$VERSION" "$CERT" "$KEY"
          exit 0
        fi
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"token-%s","expirationTimestamp":"%s"}}\\n' "$VERSION" "$n" "$EXPIRY"
        """

    struct Setup {
        var dir: TemporaryDirectory
        var configuration: KubeConfiguration
        var exec: ExecConfiguration

        func runs() -> Int {
            let text = (try? String(contentsOfFile: dir.file("counter"), encoding: .utf8)) ?? "0"
            return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
    }

    static func setUp(mode: String = "token", version: String = "client.authentication.k8s.io/v1", expiry: String) throws -> Setup {
        let dir = try TemporaryDirectory()
        try dir.write("bin/plugin.sh", script, executable: true)
        let yaml = """
            current-context: c
            clusters:
            - name: k
              cluster:
                server: https://127.0.0.1:1
                certificate-authority-data: \(TestPEM.certificateBase64)
            contexts:
            - name: c
              context: {cluster: k, user: u}
            users:
            - name: u
              user:
                exec:
                  apiVersion: \(version)
                  command: ./bin/plugin.sh
                  args: [--region, eu-west-1]
                  provideClusterInfo: true
                  env:
                  - {name: COUNTER, value: \(dir.file("counter"))}
                  - {name: INFO_OUT, value: \(dir.file("info.json"))}
                  - {name: ARGS_OUT, value: \(dir.file("args.txt"))}
                  - {name: MODE, value: \(mode)}
                  - {name: VERSION, value: \(version)}
                  - {name: EXPIRY, value: "\(expiry)"}
                  - {name: CERT, value: "-----BEGIN CERTIFICATE-----\\\\nabc\\\\n-----END CERTIFICATE-----"}
                  - {name: KEY, value: "-----BEGIN PRIVATE KEY-----\\\\nabc\\\\n-----END PRIVATE KEY-----"}
            """
        let path = try dir.write("kubeconfig", yaml)
        let configuration = try KubeconfigLoader(environment: .files(variables: [:], homeDirectory: dir.path)).load(files: [path])
        guard case .exec(let exec) = configuration.authentication else {
            Issue.record("expected exec authentication, got \(configuration.authentication)")
            throw KubeClientError.nameRequired(kind: "exec")
        }
        return Setup(dir: dir, configuration: configuration, exec: exec)
    }

    @Test(arguments: ExecConfiguration.APIVersion.allCases)
    func cachedUntilExpiryThenRerunAndRerunAfterInvalidate(version: ExecConfiguration.APIVersion) async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let setup = try Self.setUp(version: version.rawValue, expiry: KubernetesTime.format(start.addingTimeInterval(600)))
        defer { setup.dir.remove() }
        let clock = Mutex(start)
        let provider = ExecCredentialProvider(
            configuration: setup.exec, cluster: setup.configuration, baseEnvironment: ProcessInfo.processInfo.environment,
            now: { clock.withLock { $0 } })

        #expect(try await provider.credentials().authorization == "Bearer token-1")
        clock.withLock { $0 += 599 }
        #expect(try await provider.credentials().authorization == "Bearer token-1", "cached until expiry")
        #expect(setup.runs() == 1)
        clock.withLock { $0 += 2 }
        #expect(try await provider.credentials().authorization == "Bearer token-2", "re-run once expired")
        #expect(await provider.invalidate())
        #expect(try await provider.credentials().authorization == "Bearer token-3", "re-run after a 401")
        #expect(setup.runs() == 3)

        let args = try String(contentsOfFile: setup.dir.file("args.txt"), encoding: .utf8)
        #expect(args.trimmingCharacters(in: .whitespacesAndNewlines) == "--region eu-west-1")
        let info = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: setup.dir.file("info.json"))))
        #expect(info["apiVersion"] == .string(version.rawValue))
        #expect(info["kind"] == "ExecCredential")
        #expect(info["spec"]?["interactive"] == .bool(false))
        #expect(info["spec"]?["cluster"]?["server"] == "https://127.0.0.1:1")
        #expect(info["spec"]?["cluster"]?["certificate-authority-data"] == .string(TestPEM.certificateBase64))
    }

    @Test func concurrentRequestsShareOneRun() async throws {
        let setup = try Self.setUp(expiry: KubernetesTime.format(Date().addingTimeInterval(3600)))
        defer { setup.dir.remove() }
        let provider = ExecCredentialProvider(configuration: setup.exec, cluster: setup.configuration)
        try await withThrowingTaskGroup(of: RequestCredentials.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credentials() } }
            for try await credentials in group { #expect(credentials.authorization == "Bearer token-1") }
        }
        #expect(setup.runs() == 1)
    }

    @Test func clientCertificateFromPlugin() async throws {
        let setup = try Self.setUp(mode: "cert", expiry: "")
        defer { setup.dir.remove() }
        let credentials = try await ExecCredentialProvider(configuration: setup.exec, cluster: setup.configuration).credentials()
        #expect(credentials.authorization == nil)
        #expect(credentials.clientCertificate == .pem(Data("-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----".utf8)))
        #expect(credentials.clientKey == .pem(Data("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----".utf8)))
    }

    @Test(arguments: [
        ("fail", "exited with status 3: no credentials for you"),
        ("wrongversion", "printed apiVersion client.authentication.k8s.io/v1beta1"),
    ])
    func pluginFailuresAreExplained(mode: String, message: String) async throws {
        let setup = try Self.setUp(mode: mode, expiry: "")
        defer { setup.dir.remove() }
        let provider = ExecCredentialProvider(configuration: setup.exec, cluster: setup.configuration)
        let error = await #expect(throws: ExecPluginError.self) { try await provider.credentials() }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.command.hasSuffix("bin/plugin.sh") == true)
    }

    @Test func missingCommandShowsInstallHint() async throws {
        let exec = ExecConfiguration(command: "trustline-no-such-plugin", apiVersion: .v1, installHint: "brew install it")
        let provider = ExecCredentialProvider(
            configuration: exec, cluster: KubeConfiguration(server: URL(string: "https://h")!),
            baseEnvironment: ["PATH": "/nonexistent"])
        let error = await #expect(throws: ExecPluginError.self) { try await provider.credentials() }
        #expect(error?.description.contains("not found in PATH") == true)
        #expect(error?.description.contains("brew install it") == true)
    }
}
