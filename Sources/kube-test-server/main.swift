import ArgumentParser
import Foundation
import KubeTestServer

/// `kube-test-server [--port N] [--kubeconfig-out PATH] [--issuer URL] [--webhook-service-host NS/NAME=HOST:PORT] [--fault-control]`: serves until SIGTERM or
/// SIGINT; the kubeconfig is written once the server accepts connections.
@main
struct KubeTestServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-test-server",
        abstract: "A Kubernetes API server for tests and local demos (HTTPS on 127.0.0.1, bearer token).")

    @Option(help: "Port on 127.0.0.1 (0 picks a free port).")
    var port: Int = 0

    @Option(name: .customLong("kubeconfig-out"), help: "Where to write the kubeconfig once the server is ready (default: print it to stdout).")
    var kubeconfigOut: String?

    @Option(help: "Service account token issuer URL (default https://127.0.0.1:<port>).")
    var issuer: String?

    @Option(name: .customLong("bookmark-interval"), help: "Seconds between watch bookmarks.")
    var bookmarkInterval: Int = 60

    @Option(name: .customLong("watch-history"), help: "Watch events kept for resuming watches.")
    var watchHistory: Int = 1000

    @Option(
        name: .customLong("webhook-service-host"),
        help: ArgumentHelp(
            "Test-server-only: where an admission webhook's clientConfig.service is reached, as NAMESPACE/NAME=HOST:PORT (repeatable).",
            valueName: "NAMESPACE/NAME=HOST:PORT"))
    var webhookServiceHosts: [String] = []

    @Flag(
        name: .customLong("fault-control"),
        help: "Test-server-only: serve fault injection over HTTP at /fault-injection (admin token only; see FaultControl.swift).")
    var faultControl = false

    @Flag(name: .shortAndLong, help: "Log each request to stderr.")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if let issuer, !issuer.hasPrefix("https://") {
            throw ValidationError("--issuer must be an https:// URL, got \(issuer)")
        }
        guard bookmarkInterval > 0 else { throw ValidationError("--bookmark-interval must be positive") }
        _ = try serviceHostMap()
    }

    /// `NAMESPACE/NAME=HOST:PORT` entries as the options' map; a malformed entry names itself.
    func serviceHostMap() throws -> [String: String] {
        var map: [String: String] = [:]
        for entry in webhookServiceHosts {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let service = parts.first?.split(separator: "/", omittingEmptySubsequences: false) ?? []
            let address = parts.count == 2 ? parts[1] : ""
            let port = address.split(separator: ":").last.flatMap { Int($0) }
            guard service.count == 2, !service[0].isEmpty, !service[1].isEmpty, address.contains(":"), let port,
                (1...65535).contains(port)
            else {
                throw ValidationError("--webhook-service-host must be NAMESPACE/NAME=HOST:PORT (e.g. trustline-system/trustline-webhook=127.0.0.1:9443), got \(entry)")
            }
            map[parts[0]] = address
        }
        return map
    }

    func run() async throws {
        var options = KubeTestServerOptions()
        options.port = port
        options.issuer = issuer
        options.bookmarkInterval = .seconds(bookmarkInterval)
        options.watchHistoryLimit = watchHistory
        options.logRequests = verbose
        options.webhookServiceHosts = try serviceHostMap()
        options.faultControl = faultControl
        let server = try await KubeTestServer.start(options)
        if let kubeconfigOut {
            try server.writeKubeconfig(to: kubeconfigOut)
        } else {
            FileHandle.standardOutput.write(Data(server.kubeconfigYAML().utf8))
        }
        FileHandle.standardError.write(Data("kube-test-server listening on \(server.baseURL.absoluteString)\n".utf8))
        await Self.waitForTerminationSignal()
        await server.stop()
    }

    /// Suspends until SIGTERM or SIGINT arrives.
    static func waitForTerminationSignal() async {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
    }
}
