import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands with Foundation's `Process` without holding a thread of Swift's cooperative pool
/// (or of Dispatch's) while they run: the exit status arrives through `terminationHandler`, each
/// output pipe is read to its end by a dedicated thread, and together they resume one
/// continuation. A command still running after `timeout` is killed with its process group. Exec
/// credential plugins can take seconds (or hang); on a 2-core machine a blocked pool thread
/// would be half the pool.
public struct ProcessCommandRunner: CommandRunner {
    /// How long a command may run before it is killed.
    public var timeout: Duration

    public init(timeout: Duration = .seconds(30)) {
        self.timeout = timeout
    }

    /// Runs `executable` with `arguments` and exactly `environment`, standard input from
    /// `/dev/null`, collecting standard output and standard error. Throws
    /// `CommandRunnerError.timedOut` after `timeout` and `.cancelled` when the calling task is
    /// cancelled, having killed the command in both cases; rethrows `Process.run()`'s error when
    /// the command cannot be started.
    public func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult {
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: CommandResult.self) { group in
                group.addTask {
                    try await RunningCommand.run(executable: executable, arguments: arguments, environment: environment)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw CommandRunnerError.timedOut(after: timeout)
                }
                // Whichever finishes first decides; leaving the group cancels the other, which
                // kills the command after a timeout and stops the timer after a result.
                defer { group.cancelAll() }
                guard let result = try await group.next() else { throw CommandRunnerError.cancelled }
                return result
            }
        } catch is CancellationError {
            throw CommandRunnerError.cancelled
        }
    }
}

/// One launched command. Its exit and its two output streams are reported on other threads; this
/// collects the three events (standard output read to its end, standard error read to its end,
/// exit) and resumes the waiting task once all have arrived, or at once when that task is
/// cancelled.
private final class RunningCommand: Sendable {
    private struct State {
        var continuation: CheckedContinuation<CommandResult, any Error>?
        var output = Data()
        var errors = Data()
        var openStreams = 2
        var exitCode: Int32?
        var processIdentifier: pid_t?
        /// Set once the waiting task has been resumed or cancelled; later events are ignored.
        var finished = false
        /// Kept until the command has exited, so it outlives its termination handler.
        var process: Process?
    }

    private let state = Mutex(State())

    static func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult {
        let command = RunningCommand()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                command.start(executable: executable, arguments: arguments, environment: environment, continuation: continuation)
            }
        } onCancel: {
            command.cancel()
        }
    }

    private func start(
        executable: String, arguments: [String], environment: [String: String],
        continuation: CheckedContinuation<CommandResult, any Error>
    ) {
        let alreadyCancelled = state.withLock { state in
            if state.finished { return true }
            state.continuation = continuation
            return false
        }
        if alreadyCancelled {
            continuation.resume(throwing: CommandRunnerError.cancelled)
            return
        }
        // Launched from a thread of its own with no signals blocked: the child inherits the
        // launching thread's signal mask, Dispatch's worker threads (the pool's, on Linux) block
        // SIGCHLD, and a plugin script that runs `cmd & wait` with SIGCHLD blocked never sees
        // its child exit.
        let launcher = Thread { [self] in
            Self.unblockAllSignals()
            launch(executable: executable, arguments: arguments, environment: environment)
        }
        launcher.name = "exec plugin launcher"
        launcher.start()
    }

    private func launch(executable: String, arguments: [String], environment: [String: String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        // Foundation leaves pipe descriptors inheritable, so a command another thread spawns at
        // this moment would keep a copy of our write ends and delay end of file until it exits.
        // Close-on-exec stops that; the child still gets its stdout/stderr through dup2.
        for pipe in [output, errors] {
            for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
                _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
            }
        }
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { [self] process in
            // Killed by a signal reads as 128 + signal, as in a shell.
            let status = process.terminationStatus
            exited(process.terminationReason == .uncaughtSignal ? 128 + status : status)
        }
        do {
            try process.run()
        } catch {
            let waiting = state.withLock { state in
                state.finished = true
                return state.continuation.take()
            }
            waiting?.resume(throwing: error)
            return
        }
        let processIdentifier = process.processIdentifier
        let cancelledMeanwhile = state.withLock { state in
            if state.exitCode == nil { state.process = process }
            state.processIdentifier = processIdentifier
            return state.finished && state.exitCode == nil
        }
        if cancelledMeanwhile {
            Self.killGroup(processIdentifier)
        }
        // Read even after a cancellation, so the pipes are drained and closed once the killed
        // process group is gone.
        readToEnd(output.fileHandleForReading, name: "stdout of \(executable)") { state, data in state.output = data }
        readToEnd(errors.fileHandleForReading, name: "stderr of \(executable)") { state, data in state.errors = data }
    }

    /// Reads `handle` to its end on a thread of its own: a blocking read there costs neither the
    /// cooperative pool nor Dispatch's workers, and it ends when the last writer closes the pipe
    /// (the command and anything it started, all killed on timeout or cancellation).
    private func readToEnd(
        _ handle: FileHandle, name: String, store: @escaping @Sendable (inout State, Data) -> Void
    ) {
        let thread = Thread { [self] in
            let data = (try? handle.readToEnd()) ?? Data()
            try? handle.close()
            finishIfComplete { state in
                store(&state, data)
                state.openStreams -= 1
            }
        }
        thread.name = "exec plugin " + name
        thread.start()
    }

    private func exited(_ code: Int32) {
        finishIfComplete { state in
            state.exitCode = code
            state.process = nil
        }
    }

    /// Applies `event`, then resumes the waiting task if the output is complete and the exit known.
    private func finishIfComplete(_ event: (inout State) -> Void) {
        let completed: (CheckedContinuation<CommandResult, any Error>, CommandResult)? = state.withLock { state in
            event(&state)
            guard !state.finished, state.openStreams == 0, let exitCode = state.exitCode,
                let continuation = state.continuation.take()
            else { return nil }
            state.finished = true
            return (continuation, CommandResult(exitCode: exitCode, standardOutput: state.output, standardError: state.errors))
        }
        if let (continuation, result) = completed {
            continuation.resume(returning: result)
        }
    }

    /// Kills the command (if it started and has not exited) and resumes the waiting task with
    /// `CommandRunnerError.cancelled` without waiting for the exit.
    private func cancel() {
        let cancelled: (CheckedContinuation<CommandResult, any Error>?, pid_t?)? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return (state.continuation.take(), state.exitCode == nil ? state.processIdentifier : nil)
        }
        guard let (continuation, processIdentifier) = cancelled else { return }
        if let processIdentifier { Self.killGroup(processIdentifier) }
        continuation?.resume(throwing: CommandRunnerError.cancelled)
    }

    private static func unblockAllSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }

    /// SIGKILL to the process group (Foundation starts each command in a group of its own, so a
    /// plugin script's children die with it and release the pipes), and to the process itself.
    private static func killGroup(_ processIdentifier: pid_t) {
        guard processIdentifier > 0 else { return }
        _ = killpg(processIdentifier, SIGKILL)
        _ = kill(processIdentifier, SIGKILL)
    }
}
