import Foundation

/// The outcome of running a command to completion.
public struct CommandResult: Sendable, Equatable {
    public var exitCode: Int32
    public var standardOutput: Data
    public var standardError: Data

    public init(exitCode: Int32, standardOutput: Data, standardError: Data) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Runs external commands (exec credential plugins). A protocol so tests of caching logic can
/// count runs without spawning processes; the real one is `ProcessCommandRunner`.
public protocol CommandRunner: Sendable {
    /// Runs `executable` (absolute path) with exactly `environment`.
    func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult
}

/// Runs commands with Foundation's `Process`, off the cooperative thread pool.
public struct ProcessCommandRunner: CommandRunner {
    public init() {}

    public func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try Self.runBlocking(executable, arguments, environment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], _ environment: [String: String]) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr concurrently so a chatty plugin cannot block on a full pipe.
        let group = DispatchGroup()
        let errorData = ErrorBuffer()
        group.enter()
        DispatchQueue.global().async {
            errorData.data = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(exitCode: process.terminationStatus, standardOutput: outputData, standardError: errorData.data)
    }
}

/// Holds stderr bytes between the reader thread and the waiting thread.
// Safe: written once by the reader before `group.leave()` and read only after `group.wait()`,
// which orders the two accesses.
private final class ErrorBuffer: @unchecked Sendable {
    var data = Data()
}
