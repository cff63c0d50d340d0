import Foundation

/// A command run to completion off the cooperative pool: kubectl, `trustline verify`, a python3
/// converter. Waiting with `waitUntilExit` or reading a pipe to its end would park a pool thread
/// for the whole run, and on 2 cores the pool has 2 threads that the in-process servers of parallel
/// tests need. Here output goes to temporary files and the exit is awaited through the termination
/// handler, so no thread waits at all.
public enum Command {
    /// What a finished command left behind.
    public struct Result: Sendable {
        /// The exit status (the signal number when a signal ended it).
        public let status: Int32
        /// Standard output; with `mergesErrorOutput`, standard output and error interleaved.
        public let output: Data
        /// Standard error; empty with `mergesErrorOutput`.
        public let errorOutput: Data

        public var outputText: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` to completion.
    /// - Parameters:
    ///   - environment: the complete environment of the command (default: this process's).
    ///   - input: what the command reads on stdin (default: nothing, `/dev/null`).
    ///   - mergesErrorOutput: stderr goes into `output` too, in the order written.
    ///   - timeout: a command still running then is killed (SIGKILL), so a hung command fails its
    ///     test instead of hanging the whole run.
    /// - Throws: `TestSetupError` naming the executable when it cannot be started or was killed
    ///   at the timeout (with what it printed).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        input: Data? = nil, mergesErrorOutput: Bool = false, timeout: Duration = .seconds(300)
    ) async throws -> Result {
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        let outputURL = files.appendingPathComponent("stdout")
        let errorURL = files.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        defer { try? outputHandle.close() }
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        defer { try? errorHandle.close() }
        process.standardOutput = outputHandle
        process.standardError = mergesErrorOutput ? outputHandle : errorHandle
        var inputHandle: FileHandle?
        if let input {
            // A file rather than a pipe: nothing has to write while the command runs.
            let inputURL = files.appendingPathComponent("stdin")
            try input.write(to: inputURL)
            inputHandle = try FileHandle(forReadingFrom: inputURL)
        }
        defer { try? inputHandle?.close() }
        process.standardInput = inputHandle ?? FileHandle.nullDevice

        let exit: ProcessExit
        do {
            exit = try ProcessExit.launch(process)
        } catch {
            throw TestSetupError("could not start \(executable): \(error)")
        }
        let pid = process.processIdentifier
        let timer = Task {
            try await Task.sleep(for: timeout)
            guard exit.status == nil else { return false }
            kill(pid, SIGKILL)
            return true
        }
        let status = await exit.wait()
        timer.cancel()
        let result = Result(
            status: status,
            output: (try? Data(contentsOf: outputURL)) ?? Data(),
            errorOutput: mergesErrorOutput ? Data() : (try? Data(contentsOf: errorURL)) ?? Data())
        if (try? await timer.value) == true {
            throw TestSetupError(
                "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) and was killed; it printed: \(String(result.outputText.suffix(2000))) \(String(result.errorText.suffix(2000)))")
        }
        return result
    }
}
