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

/// Why a command did not run to completion, beyond failing to start: it ran too long and was
/// killed, or the task waiting for it was cancelled (and it was killed too).
public enum CommandRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Still running after `timeout`; the command and its process group were killed.
    case timedOut(after: Duration)
    /// The waiting task was cancelled; the command and its process group were killed.
    case cancelled

    public var description: String {
        switch self {
        case .timedOut(let timeout):
            "did not finish within \(timeout.secondsText) and was killed"
        case .cancelled:
            "was killed because the request waiting for it was cancelled"
        }
    }
}

extension Duration {
    /// `30 s`, `0.5 s`: how timeouts read in error messages.
    var secondsText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        let text = seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
        return "\(text) s"
    }
}
