import ControllerRuntime
import Synchronization

/// The controller of the current leadership term (or of the whole run without leader
/// election), so a graceful shutdown can drain it, wait for the drain, and only then release
/// the lease. Once shutdown has begun, no new term starts.
final class ControllerTerm<R: Reconciler>: Sendable {
    private struct State {
        var controller: Controller<R>?
        var shuttingDown = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Registers `controller` as the running one; false when shutdown already began (don't run it).
    func begin(_ controller: Controller<R>) -> Bool {
        state.withLock { state in
            guard !state.shuttingDown else { return false }
            state.controller = controller
            return true
        }
    }

    /// The running controller returned.
    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.controller = nil
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops new terms, asks the running controller (if any) to drain, and returns once it has.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let controller = state.withLock { state -> Controller<R>? in
                state.shuttingDown = true
                guard let controller = state.controller else { return nil }
                state.drainWaiters.append(continuation)
                return controller
            }
            if let controller {
                controller.shutDown()
            } else {
                continuation.resume()
            }
        }
    }
}
