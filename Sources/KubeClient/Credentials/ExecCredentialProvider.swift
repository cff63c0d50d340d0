import Foundation
import HTTPTransport
import KubeModels

/// Runs a kubeconfig `exec` credential plugin and caches what it prints until its
/// `expirationTimestamp` (or, without one, until a 401), then runs it again. Concurrent
/// requests share one run. The plugin runs through `runner`, which by default holds no thread
/// while it runs and kills it after 30 s (`ProcessCommandRunner`).
public actor ExecCredentialProvider: CredentialProvider {
    public let configuration: ExecConfiguration
    private let clusterInfo: ExecCredential.Cluster
    private let runner: any CommandRunner
    private let baseEnvironment: [String: String]
    private let now: @Sendable () -> Date
    private var cached: (credentials: RequestCredentials, expiry: Date?)?
    private var inFlight: Task<(RequestCredentials, Date?), any Error>?
    /// How many times the plugin ran; tests check caching with it.
    public private(set) var runCount = 0

    public init(
        configuration: ExecConfiguration,
        cluster: KubeConfiguration,
        runner: any CommandRunner = ProcessCommandRunner(),
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        var caData: String?
        if case .pem(let pem) = cluster.tls.certificateAuthority { caData = pem.base64EncodedString() }
        self.clusterInfo = ExecCredential.Cluster(
            server: cluster.server.absoluteString,
            certificateAuthorityData: caData,
            insecureSkipTLSVerify: cluster.tls.insecureSkipVerify ? true : nil)
        self.runner = runner
        self.baseEnvironment = baseEnvironment
        self.now = now
    }

    public func credentials() async throws -> RequestCredentials {
        if let cached, cached.expiry.map({ now() < $0 }) ?? true {
            return cached.credentials
        }
        if let inFlight {
            return try await inFlight.value.0
        }
        let task = Task { try await self.runPlugin() }
        inFlight = task
        defer { inFlight = nil }
        let result = try await task.value
        cached = (result.0, result.1)
        return result.0
    }

    public func invalidate() async -> Bool {
        cached = nil
        return true
    }

    private func runPlugin() async throws -> (RequestCredentials, Date?) {
        runCount += 1
        let executable = try resolveExecutable(configuration.command)
        var environment = baseEnvironment
        for variable in configuration.environment { environment[variable.name] = variable.value }
        let info = ExecCredential(
            apiVersion: configuration.apiVersion.rawValue, kind: "ExecCredential",
            spec: .init(interactive: false, cluster: configuration.provideClusterInfo ? clusterInfo : nil),
            status: nil)
        environment["KUBERNETES_EXEC_INFO"] = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)

        let result: CommandResult
        do {
            result = try await runner.run(executable: executable, arguments: configuration.arguments, environment: environment)
        } catch CommandRunnerError.timedOut(let timeout) {
            throw failure(
                "\(CommandRunnerError.timedOut(after: timeout)); it must print an ExecCredential without waiting for input"
                    + " (it gets none) and without starting background processes that keep its output open")
        } catch let error as CommandRunnerError {
            throw failure("\(error)")
        } catch {
            throw failure("could not be started: \(error)\(hint)")
        }
        guard result.exitCode == 0 else {
            let stderr = String(decoding: result.standardError, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw failure("exited with status \(result.exitCode): \(stderr)")
        }
        let credential: ExecCredential
        do {
            credential = try JSONDecoder().decode(ExecCredential.self, from: result.standardOutput)
        } catch {
            throw failure("printed something that is not an ExecCredential JSON object: \(error)")
        }
        guard credential.apiVersion == configuration.apiVersion.rawValue else {
            throw failure(
                "printed apiVersion \(credential.apiVersion), but the kubeconfig asks for \(configuration.apiVersion.rawValue)")
        }
        guard let status = credential.status else {
            throw failure("printed an ExecCredential without status")
        }
        var credentials = RequestCredentials()
        if let token = status.token, !token.isEmpty { credentials.authorization = "Bearer \(token)" }
        switch (status.clientCertificateData, status.clientKeyData) {
        case (let certificate?, let key?):
            credentials.clientCertificate = .pem(Data(certificate.utf8))
            credentials.clientKey = .pem(Data(key.utf8))
        case (nil, nil):
            break
        default:
            throw failure("status must set both clientCertificateData and clientKeyData, or neither")
        }
        guard credentials.authorization != nil || credentials.clientCertificate != nil else {
            throw failure("status has neither token nor clientCertificateData")
        }
        var expiry: Date?
        if let text = status.expirationTimestamp {
            guard let date = KubernetesTime.parse(text) else {
                throw failure("status.expirationTimestamp \"\(text)\" is not RFC 3339")
            }
            expiry = date
        }
        return (credentials, expiry)
    }

    private func failure(_ problem: String) -> ExecPluginError {
        ExecPluginError(command: configuration.command, user: configuration.user, problem: problem)
    }

    private var hint: String {
        configuration.installHint.map { "\n\($0)" } ?? ""
    }

    private func resolveExecutable(_ command: String) throws -> String {
        if command.contains("/") { return command }
        let path = baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw failure("was not found in PATH\(hint)")
    }
}
