import Foundation
import Testing

/// A helper process a test started (moto_server, the fault server), run under
/// `Fixtures/process_watchdog.py` or with stdin on a pipe we hold, so it dies with the test
/// process even when teardown never runs. `stop()` ends it and waits for it.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` and the pipes are set once in `init` and never reassigned;
    // Foundation's Process/Pipe are thread-safe for the calls made here (terminate, isRunning, close).
    let process: Process
    let stdinPipe: Pipe
    let stdoutPipe: Pipe
    let logURL: URL

    init(executable: String, arguments: [String], environment: [String: String], logName: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        stdinPipe = Pipe()
        stdoutPipe = Pipe()
        logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(logName)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
    }

    /// Reads one line the process printed on stdout (e.g. its port), giving up after `timeout`.
    func readLine(timeout: Duration) async throws -> String {
        let handle = stdoutPipe.fileHandleForReading
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return String?.none }
                    buffer.append(chunk)
                    if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        return String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let line = first else {
                throw ChildProcessError.noOutput(log: recentLog())
            }
            return line
        }
    }

    /// The last part of what the process wrote to stderr, for failure messages.
    func recentLog() -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return String(text.suffix(2000))
    }

    /// Closes stdin (the watchdog's signal), sends SIGTERM, waits; SIGKILL after 10 s.
    func stop() async {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Absolute path of `name` on `PATH`, or `nil`.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `Tests/AWSClientsTests/Fixtures/<name>`.
    static func fixture(_ name: String, file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}

enum ChildProcessError: Error, CustomStringConvertible {
    case missingTool(name: String, hint: String)
    case noOutput(log: String)
    case notReady(name: String, log: String)

    var description: String {
        switch self {
        case let .missingTool(name, hint):
            return "\(name) was not found on PATH. \(hint)"
        case let .noOutput(log):
            return "the helper process printed nothing. Its log:\n\(log)"
        case let .notReady(name, log):
            return "\(name) did not answer in time. Its log:\n\(log)"
        }
    }
}
