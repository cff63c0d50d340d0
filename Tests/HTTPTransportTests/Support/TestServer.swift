import Foundation
import HTTPTransport
import TestSupport

/// Failures of the test fixtures themselves (missing python3, server that did not start).
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Locates the fixture scripts next to this file, so `swift test` works from the package root.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Runs `python3 <script> <arguments>` to completion without blocking a cooperative thread
    /// (`Command.run`; the pool is as small as the machine's core count and the transport's own
    /// latency tests share it).
    static func runPython(_ script: String, _ arguments: [String]) async throws {
        let result: Command.Result
        do {
            result = try await Command.run("/usr/bin/env", ["python3", path(script)] + arguments)
        } catch {
            throw FixtureError(description: "HTTPTransport tests need python3 on PATH: \(error)")
        }
        guard result.status == 0 else {
            throw FixtureError(description: "\(script) failed (\(result.status)): \(result.errorText)")
        }
    }
}

/// The Python fixture server (Fixtures/http_test_server.py) on 127.0.0.1 and a free port.
/// Each test starts its own, so counters are per test; `stop()` belongs in a `defer`.
final class TestServer {
    let port: Int
    let scheme: String
    private let process: Process

    private init(process: Process, port: Int, scheme: String) {
        self.process = process
        self.port = port
        self.scheme = scheme
    }

    /// Starts the server and waits until it printed its port.
    static func start(_ arguments: [String] = []) async throws -> TestServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.path("http_test_server.py")] + arguments
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw FixtureError(description: "HTTPTransport tests need python3 on PATH: \(error)")
        }
        let reader = output.fileHandleForReading
        let firstLine: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes = Data()
                while true {
                    let byte = reader.readData(ofLength: 1)
                    if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard firstLine.hasPrefix("PORT "), let port = Int(firstLine.dropFirst(5)) else {
            // SIGKILL without waiting (see `stop`).
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw FixtureError(description: "test server did not start (first line: \"\(firstLine)\")")
        }
        let scheme = arguments.contains("--tls-cert") ? "https" : "http"
        return TestServer(process: process, port: port, scheme: scheme)
    }

    func url(_ path: String, host: String = "127.0.0.1") -> URL {
        URL(string: "\(scheme)://\(host):\(port)\(path)")!
    }

    /// Kills the server (SIGKILL: the test runner may start children with SIGTERM blocked) and
    /// returns at once. Foundation reaps the child on its own thread; waiting here (`stop` runs in
    /// the synchronous `defer` of async tests) would block a cooperative-pool thread, which the
    /// parallel suites' in-process servers need (2 threads on 2 cores). SIGKILL cannot be caught, so
    /// nothing of the server outlives the test by more than the kernel's teardown of the process.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads one of the server's JSON counters (`/connections`, `/closed`) over a fresh client.
    func counters(_ path: String, tls: TLSConfiguration = .system) async throws -> [String: Any] {
        let client = CurlHTTPClient(tls: tls)
        let response = try await client.send(HTTPRequest(url: url(path)))
        let object = try JSONSerialization.jsonObject(with: response.body)
        return object as? [String: Any] ?? [:]
    }
}

/// A throwaway PKI (Fixtures/make_test_certificates.py) in a temporary directory.
struct TestCertificates {
    let directory: URL

    private init(directory: URL) {
        self.directory = directory
    }

    /// Generates the PKI; call `remove()` in a `defer` once it is no longer needed.
    static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("trustline-transport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        do {
            try await Fixtures.runPython("make_test_certificates.py", [directory.path])
        } catch {
            certificates.remove()
            throw error
        }
        return certificates
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func pem(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    var serverArguments: [String] { ["--tls-cert", path("server.pem"), "--tls-key", path("server-key.pem")] }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Polls `condition` until it holds or `timeout` passes; for effects observed by another
/// process (the server noticing a closed connection). Not a timing assertion.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
