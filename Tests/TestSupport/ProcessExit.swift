import Foundation
import Synchronization

/// The exit of a launched `Process`, awaited without blocking a thread. On 2 cores the Swift
/// concurrency pool has 2 threads, and the in-process servers of parallel tests need them: a test
/// must never park one in `waitUntilExit`. Foundation reaps the child on its own thread and calls
/// the termination handler there; this records the status and resumes whoever awaits it.
final class ProcessExit: Sendable {
    private enum State {
        case running(waiters: [CheckedContinuation<Int32, Never>], actions: [@Sendable (Int32) -> Void])
        case exited(Int32)
    }

    private let state = Mutex<State>(.running(waiters: [], actions: []))

    /// Launches `process` (configured, not yet run) with this thread's signal mask emptied and
    /// returns its exit. The child inherits the mask of the thread that spawns it, and threads of
    /// the test process (some pool threads among them) can have SIGTERM blocked: a child started
    /// there would ignore SIGTERM.
    static func launch(_ process: Process) throws -> ProcessExit {
        let exit = ProcessExit()
        process.terminationHandler = { finished in exit.record(finished.terminationStatus) }
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        return exit
    }

    /// The exit status (the signal number when a signal ended it), or `nil` while running.
    var status: Int32? {
        state.withLock { state in
            if case let .exited(status) = state { return status }
            return nil
        }
    }

    /// Records the exit; called once, by the termination handler (or for a process never launched).
    func record(_ status: Int32) {
        let pending = state.withLock { state -> (waiters: [CheckedContinuation<Int32, Never>], actions: [@Sendable (Int32) -> Void]) in
            guard case let .running(waiters, actions) = state else { return ([], []) }
            state = .exited(status)
            return (waiters, actions)
        }
        for waiter in pending.waiters { waiter.resume(returning: status) }
        for action in pending.actions { action(status) }
    }

    /// Suspends (no thread blocked) until the process has exited; returns its status.
    func wait() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let exited = state.withLock { state -> Int32? in
                switch state {
                case let .exited(status):
                    return status
                case .running(var waiters, let actions):
                    waiters.append(continuation)
                    state = .running(waiters: waiters, actions: actions)
                    return nil
                }
            }
            if let exited { continuation.resume(returning: exited) }
        }
    }

    /// Runs `action` once the process has exited (at once when it already has), on the thread
    /// that records the exit.
    func whenExited(_ action: @escaping @Sendable (Int32) -> Void) {
        let exited = state.withLock { state -> Int32? in
            switch state {
            case let .exited(status):
                return status
            case .running(let waiters, var actions):
                actions.append(action)
                state = .running(waiters: waiters, actions: actions)
                return nil
            }
        }
        if let exited { action(exited) }
    }
}
