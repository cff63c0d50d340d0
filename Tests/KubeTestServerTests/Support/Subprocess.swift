import Foundation

/// Runs a real client (kubectl, curl, python3) as a subprocess without blocking Swift
/// concurrency threads: output goes to temporary files, exit is awaited via the termination
/// handler, and a deadline kills a hung process so a test fails instead of hanging.
struct Subprocess {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var commandLine: String

        var description: String { "$ \(commandLine)\nexit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    static func findExecutable(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A running process whose output is collected when it ends.
    final class Running: @unchecked Sendable {
        // Safe: `process` is only touched through Foundation's thread-safe Process API, and the
        // file URLs are immutable after init.
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL
        let commandLine: String
        private let exited: Task<Int32, Never>

        init(executable: String, arguments: [String], stdin: String?, environment: [String: String]) throws {
            guard let path = Subprocess.findExecutable(executable) else {
                throw SubprocessError.missingTool(executable)
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ks-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            stdoutURL = directory.appendingPathComponent("stdout")
            stderrURL = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            if let stdin {
                let stdinURL = directory.appendingPathComponent("stdin")
                try Data(stdin.utf8).write(to: stdinURL)
                process.standardInput = try FileHandle(forReadingFrom: stdinURL)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            commandLine = ([executable] + arguments).joined(separator: " ")
            let (stream, continuation) = AsyncStream<Int32>.makeStream()
            process.terminationHandler = { finished in
                continuation.yield(finished.terminationStatus)
                continuation.finish()
            }
            try process.run()
            exited = Task {
                for await status in stream { return status }
                return -1
            }
        }

        func terminate() {
            if process.isRunning { process.terminate() }
        }

        func wait(timeout: Duration) async -> Output {
            let process = self.process
            let killer = Task {
                try await Task.sleep(for: timeout)
                if process.isRunning { process.terminate() }
            }
            let status = await exited.value
            killer.cancel()
            let stdout = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: stdoutURL.deletingLastPathComponent())
            return Output(status: status, stdout: stdout, stderr: stderr, commandLine: commandLine)
        }

        /// What the process has written so far (for streaming commands such as watches).
        func currentStdout() -> String {
            (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        }
    }

    static func start(
        _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]
    ) throws -> Running {
        try Running(executable: executable, arguments: arguments, stdin: stdin, environment: environment)
    }

    static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> Output {
        try await start(executable, arguments, stdin: stdin, environment: environment).wait(timeout: timeout)
    }
}

enum SubprocessError: Error, CustomStringConvertible {
    case missingTool(String)

    var description: String {
        switch self {
        case .missingTool(let name):
            return "required tool '\(name)' is not installed or not on PATH (CI installs kubectl, curl and the Python 'kubernetes' package)"
        }
    }
}
