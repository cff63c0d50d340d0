import Foundation
import Synchronization

/// A subprocess a test started (moto_server, a fault server, `trustline run`), with its output in a
/// log file the test can read and print when something fails. `await stop()` ends it (SIGTERM, then
/// SIGKILL) and waits for the exit without blocking a thread of the cooperative pool; when the last
/// reference goes away it is stopped in the background, so a failing test leaks nothing.
public final class ChildProcess: Sendable {
    /// Short name, used for the log file and in messages.
    public let name: String
    /// The file that receives the process's stderr, and its stdout unless `capturesStdout`.
    public let logPath: String
    private let process: Process
    private let exit: ProcessExit
    /// The read end of stdout when `capturesStdout`.
    private let stdoutReader: FileHandle?
    /// A log in the temporary folder (no `logDirectory` given) is removed by `stop`.
    private let removesLogOnStop: Bool
    /// Closes stdout and removes the temporary log once, after the exit.
    private let cleanup: StopCleanup

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
        // The write end of stdin, held open until `stop` when `holdsStdinOpen`.
        let stdinWriter = stdinPipe?.fileHandleForWriting
        cleanup = StopCleanup(
            stdinWriter: stdinWriter, stdoutReader: stdoutReader, temporaryLog: removesLogOnStop ? logPath : nil)
        do {
            // Launched with no signal blocked (see `ProcessExit.launch`), so SIGTERM reaches it.
            exit = try ProcessExit.launch(process)
        } catch {
            // Never launched: nothing for `stop` (run by deinit) to wait for.
            exit = ProcessExit()
            exit.record(-1)
            if removesLogOnStop { try? FileManager.default.removeItem(atPath: logPath) }
            throw TestSetupError("could not start \(name) (\(executable)): \(error)")
        }
        // Our copies of the child's ends, so EOF arrives when the child exits.
        try? stdoutPipe?.fileHandleForWriting.close()
        try? stdinPipe?.fileHandleForReading.close()
    }

    deinit {
        stopInBackground()
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

    /// Closes stdin (a watchdog's signal), sends SIGTERM, SIGKILL after `grace`; suspends until the
    /// exit (no thread blocked) and returns the exit status (the signal number when a signal ended
    /// it). Calling it again returns the same status.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Int32 {
        if let status = exit.status { return finish(status) }
        requestStop(grace: grace)
        return finish(await exit.wait())
    }

    /// What `stop` does, without waiting: for a synchronous context that cannot await (`deinit`).
    /// The child is signalled at once and SIGKILLed after `grace`; Foundation reaps it on its own
    /// thread, and the temporary log is removed once it has exited.
    public func stopInBackground(grace: Duration = .seconds(10)) {
        if exit.status == nil { requestStop(grace: grace) }
        let cleanup = cleanup
        exit.whenExited { _ in cleanup.run() }
    }

    /// Suspends (no thread blocked) until the process exits on its own; returns its exit status.
    /// Unlike `stop`, it sends nothing and leaves the log in place.
    @discardableResult
    public func waitForExit() async -> Int32 {
        await exit.wait()
    }

    /// SIGKILL and wait for the exit: a crash, as far as the child's own cleanup goes. Under
    /// `ProcessWatchdog` this kills the watchdog only; its child then stops when `stop` closes stdin.
    public func kill9() async {
        if exit.status == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await exit.wait()
    }

    /// Closes stdin, sends SIGTERM now and SIGKILL after `grace` unless the process exited by then.
    private func requestStop(grace: Duration) {
        cleanup.closeStdin()
        let process = process
        let exit = exit
        if exit.status == nil, process.isRunning { process.terminate() }
        let (seconds, attoseconds) = grace.components
        let delay = Double(seconds) + Double(attoseconds) / 1e18
        // A timer on a Dispatch queue, not a sleeping thread or pool task; the check keeps the
        // SIGKILL from reaching a reaped (and possibly reused) process id.
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
            if exit.status == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    private func finish(_ status: Int32) -> Int32 {
        cleanup.run()
        return status
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

/// The handles and files stopping releases, each once, whichever of `stop`, `stopInBackground`
/// and `deinit` (possibly several at the same time) gets there first: stdin is closed when stopping
/// begins, our end of stdout and a temporary log once the child has exited.
private final class StopCleanup: Sendable {
    private let stdinWriter: FileHandle?
    private let stdoutReader: FileHandle?
    private let temporaryLog: String?
    private let stdinClosed = Mutex(false)
    private let done = Mutex(false)

    init(stdinWriter: FileHandle?, stdoutReader: FileHandle?, temporaryLog: String?) {
        self.stdinWriter = stdinWriter
        self.stdoutReader = stdoutReader
        self.temporaryLog = temporaryLog
    }

    func closeStdin() {
        guard Self.first(stdinClosed) else { return }
        try? stdinWriter?.close()
    }

    func run() {
        guard Self.first(done) else { return }
        try? stdoutReader?.close()
        if let temporaryLog { try? FileManager.default.removeItem(atPath: temporaryLog) }
    }

    /// True for the first caller only.
    private static func first(_ flag: borrowing Mutex<Bool>) -> Bool {
        flag.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
