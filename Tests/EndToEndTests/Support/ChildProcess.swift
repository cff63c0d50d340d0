import Foundation

/// A subprocess started by a test, its stdout and stderr going to a log file the test can read
/// (and print when an expectation fails). `stop` sends SIGTERM, waits, then SIGKILL.
final class ChildProcess: Sendable {
    let name: String
    let logPath: String
    private let process: Process

    init(name: String, executable: String, arguments: [String], environment: [String: String], logDirectory: String) throws {
        self.name = name
        logPath = (logDirectory as NSString).appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestSetupError("cannot write \(logPath)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TestSetupError("could not start \(name) (\(executable)): \(error)")
        }
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// The log so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// SIGTERM, then SIGKILL after `grace`; waits for the exit. Returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline {
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL and wait.
    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Something the test environment could not set up (a tool missing, a server that did not start).
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
