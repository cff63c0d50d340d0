import Foundation
import Synchronization

/// A subprocess a test started (moto_server, a fault server, `trustline run`), with its output in a
/// log file the test can read and print when something fails. `stop` ends it (SIGTERM, then SIGKILL)
/// and waits; it is also stopped when the last reference goes away, so a failing test leaks nothing.
public final class ChildProcess: Sendable {
    /// Short name, used for the log file and in messages.
    public let name: String
    /// The file that receives the process's stderr, and its stdout unless `capturesStdout`.
    public let logPath: String
    private let process: Process
    /// The write end of stdin, held open until `stop` when `holdsStdinOpen`.
    private let stdinWriter: FileHandle?
    /// The read end of stdout when `capturesStdout`.
    private let stdoutReader: FileHandle?
    /// A log in the temporary folder (no `logDirectory` given) is removed by `stop`.
    private let removesLogOnStop: Bool
    private let stopped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - environment: the complete environment of the child (default: this process's).
    ///   - logDirectory: where `<name>.log` is written and kept; `nil` writes a uniquely named log in
    ///     the temporary folder and removes it on `stop`.
    ///   - capturesStdout: stdout goes to a pipe read with `readLine(timeout:)` (a server that prints
    ///     its port) instead of the log.
    ///   - holdsStdinOpen: stdin is a pipe held open until `stop`, for a child that exits at stdin EOF
    ///     (`ProcessWatchdog`, `fault_server.py`), so it dies with the test process even when teardown
    ///     never runs. Otherwise stdin is `/dev/null`.
    public init(
        name: String, executable: String, arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logDirectory: String? = nil, capturesStdout: Bool = false, holdsStdinOpen: Bool = false
    ) throws {
        self.name = name
        if let logDirectory {
            logPath = (logDirectory as NSString).appendingPathComponent("\(name).log")
            removesLogOnStop = false
        } else {
            logPath = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).log").path
            removesLogOnStop = true
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestSetupError("cannot write the log of \(name) at \(logPath)")
        }
        defer { try? log.close() }
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardError = log
        let stdoutPipe = capturesStdout ? Pipe() : nil
        if let stdoutPipe { process.standardOutput = stdoutPipe } else { process.standardOutput = log }
        let stdinPipe = holdsStdinOpen ? Pipe() : nil
        if let stdinPipe { process.standardInput = stdinPipe } else { process.standardInput = FileHandle.nullDevice }
        stdoutReader = stdoutPipe?.fileHandleForReading
        stdinWriter = stdinPipe?.fileHandleForWriting
        do {
            try Self.withNoSignalsBlocked { try process.run() }
        } catch {
            // Never launched: nothing for `stop` (run by deinit) to wait for.
            stopped.withLock { $0 = -1 }
            if removesLogOnStop { try? FileManager.default.removeItem(atPath: logPath) }
            throw TestSetupError("could not start \(name) (\(executable)): \(error)")
        }
        // Our copies of the child's ends, so EOF arrives when the child exits.
        try? stdoutPipe?.fileHandleForWriting.close()
        try? stdinPipe?.fileHandleForReading.close()
    }

    deinit {
        stop()
    }

    /// Runs `body` with this thread's signal mask emptied. The child inherits the mask of the thread
    /// that spawns it, and threads of the test process (some pool threads among them) can have
    /// SIGTERM blocked: a child started there would ignore `stop`'s SIGTERM until the SIGKILL.
    private static func withNoSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    /// The log so far.
    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The last `characters` of the log, for failure messages.
    public func recentLog(characters: Int = 2000) -> String {
        String(log.suffix(characters))
    }

    /// Closes stdin (a watchdog's signal), sends SIGTERM, SIGKILL after `grace`; waits for the exit
    /// and returns the exit status. Calling it again returns the same status. Blocks the caller
    /// while the child shuts down (tens of milliseconds for the servers the tests run).
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) -> Int32 {
        if let status = stopped.withLock({ $0 }) { return status }
        try? stdinWriter?.close()
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline {
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let status = process.terminationStatus
        stopped.withLock { $0 = status }
        try? stdoutReader?.close()
        if removesLogOnStop { try? FileManager.default.removeItem(atPath: logPath) }
        return status
    }

    /// SIGKILL and wait: a crash, as far as the child's own cleanup goes. Under `ProcessWatchdog` this
    /// kills the watchdog only; its child then stops when `stop` closes stdin.
    public func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Reads the first line the process prints on stdout (needs `capturesStdout`), giving up after
    /// `timeout` or when the process closes stdout.
    public func readLine(timeout: Duration) async throws -> String {
        guard let reader = stdoutReader else {
            throw TestSetupError("\(name) was started without capturesStdout; its stdout is in \(logPath)")
        }
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let once = ResumeOnce(continuation)
            // The read blocks, so it runs on a thread of its own rather than the cooperative pool;
            // it ends when the line arrives or the child closes stdout.
            Thread.detachNewThread { once.resume(returning: Self.blockingReadLine(reader)) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(returning: nil)
            }
        }
        guard let line else {
            throw TestSetupError("\(name) printed no line on stdout within \(timeout). Its log:\n\(recentLog())")
        }
        return line
    }

    private static func blockingReadLine(_ reader: FileHandle) -> String? {
        var buffer = Data()
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            }
        }
    }
}

/// Resumes a continuation with whichever of several racing producers answers first; later answers
/// are dropped.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(returning value: Value) {
        let waiting = continuation.withLock { current in
            defer { current = nil }
            return current
        }
        waiting?.resume(returning: value)
    }
}
