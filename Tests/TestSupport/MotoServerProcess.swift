import Foundation
import HTTPTransport

/// A `moto_server` (the AWS IAM and STS the tests talk to) on a free 127.0.0.1 port, started and
/// waited for by `start`. A free port can be taken by another process between picking and binding
/// it, so a moto that cannot bind is started again on a new port. Stopped by `await stop()`, or in the
/// background when released.
public final class MotoServerProcess: Sendable {
    public let port: Int
    /// `http://127.0.0.1:<port>`.
    public let baseURL: URL
    /// The process (under `ProcessWatchdog`); its log holds moto's output.
    public let process: ChildProcess
    /// The client that probed readiness; reuse it to talk to this moto.
    public let httpClient: any HTTPClient
    /// Ports tried before `port` that were already in use, oldest first.
    public let portsInUse: [Int]

    /// `baseURL` as text, for environment variables such as `AWS_ENDPOINT_URL_IAM`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, baseURL: URL, process: ChildProcess, httpClient: any HTTPClient, portsInUse: [Int]) {
        self.port = port
        self.baseURL = baseURL
        self.process = process
        self.httpClient = httpClient
        self.portsInUse = portsInUse
    }

    deinit {
        process.stopInBackground()
    }

    /// Starts moto_server and returns once it answers.
    /// - Parameters:
    ///   - environment: added to this process's environment; `MOTO_IAM_LOAD_MANAGED_POLICIES=true`
    ///     (AWS managed policies can be attached) unless given here.
    ///   - logDirectory: where `moto.log` is kept (default: a temporary log removed on stop).
    ///   - attempts: how many ports to try when the chosen one turns out to be in use.
    ///   - readyTimeout: how long one attempt may take to answer.
    ///   - searchPath: where to look for moto_server and python3 (default: `PATH`).
    ///   - pickPort: the port of each attempt (default: `FreePort.pick`).
    public static func start(
        environment: [String: String] = [:],
        logDirectory: String? = nil,
        httpClient: any HTTPClient = CurlHTTPClient(),
        attempts: Int = 5,
        readyTimeout: Duration = .seconds(60),
        searchPath: String? = nil,
        pickPort: () throws -> Int = FreePort.pick
    ) async throws -> MotoServerProcess {
        let moto = try ExecutableSearch.require(
            "moto_server", install: "install it with: pip install 'moto[server]'", searchPath: searchPath)
        let python = try ExecutableSearch.require(
            "python3", install: "install Python 3 (moto_server needs it too)", searchPath: searchPath)
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        childEnvironment.merge(environment) { _, given in given }

        var portsInUse: [Int] = []
        for _ in 0..<max(1, attempts) {
            let port = try pickPort()
            guard let baseURL = URL(string: "http://127.0.0.1:\(port)") else {
                throw TestSetupError("moto_server: no URL for port \(port)")
            }
            let command = ProcessWatchdog.wrap(executable: moto, arguments: ["-H", "127.0.0.1", "-p", String(port)], python: python)
            let process = try ChildProcess(
                name: "moto", executable: command.executable, arguments: command.arguments,
                environment: childEnvironment, logDirectory: logDirectory, holdsStdinOpen: true)
            switch await waitUntilReady(process, port: port, baseURL: baseURL, httpClient: httpClient, timeout: readyTimeout) {
            case .ready:
                return MotoServerProcess(
                    port: port, baseURL: baseURL, process: process, httpClient: httpClient, portsInUse: portsInUse)
            case .portInUse:
                await process.stop()
                portsInUse.append(port)
            case let .failed(reason):
                let log = process.recentLog()
                await process.stop()
                throw TestSetupError("moto_server on 127.0.0.1:\(port) \(reason). Its log:\n\(log)")
            }
        }
        throw TestSetupError(
            "moto_server could not bind a free port in \(attempts) attempts; ports in use: \(portsInUse.map(String.init).joined(separator: ", "))")
    }

    /// Stops moto and waits for it to exit (suspending; no thread blocked).
    public func stop() async {
        await process.stop()
    }

    private enum Readiness {
        case ready
        case portInUse
        case failed(String)
    }

    /// Ready means this moto said it is listening on `port` and `/moto-api/` answers 200: the log
    /// line rules out another server that took the port first answering the probe.
    private static func waitUntilReady(
        _ process: ChildProcess, port: Int, baseURL: URL, httpClient: any HTTPClient, timeout: Duration
    ) async -> Readiness {
        guard let probe = URL(string: "/moto-api/", relativeTo: baseURL)?.absoluteURL else {
            return .failed("has no probe URL")
        }
        let listening = "Running on \(baseURL.absoluteString)"
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let log = process.log
            guard process.isRunning else {
                return log.contains("Address already in use") || log.contains("is in use by another program")
                    ? .portInUse : .failed("exited at start")
            }
            if log.contains(listening),
                let response = try? await httpClient.send(HTTPRequest(url: probe, timeout: .seconds(2))),
                response.status == 200
            {
                return .ready
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return .failed("was cancelled while starting")
            }
        }
        return .failed("did not answer within \(timeout)")
    }
}
