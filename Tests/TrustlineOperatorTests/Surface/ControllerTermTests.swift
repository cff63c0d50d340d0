import ControllerRuntime
import KubeModels
import Synchronization
import Testing
@testable import TrustlineOperator

/// Graceful shutdown's ordering: drain the running controller, wait until its term ended, and
/// start no new term afterwards (so the lease is released only when nothing reconciles).
struct ControllerTermTests {
    struct IdleReconciler: Reconciler {
        func reconcile(_ key: ObjectKey) async -> ReconcileResult { .done }
    }

    static func controller() -> Controller<IdleReconciler> {
        Controller(reconciler: IdleReconciler(), configuration: ControllerConfiguration(name: "term-test", resync: nil), knownKeys: { [] })
    }

    @Test func drainReturnsOnlyAfterTheRunningTermEnded() async throws {
        let term = ControllerTerm<IdleReconciler>()
        let controller = Self.controller()
        #expect(term.begin(controller))
        let ended = Mutex(false)
        let running = Task {
            try await controller.run(sources: [])
            // Work after the controller returned (releasing caches...) still counts as the term.
            try? await Task.sleep(for: .milliseconds(50))
            ended.withLock { $0 = true }
            term.end()
        }
        await term.drain()
        #expect(ended.withLock { $0 }, "drain returned before the term ended")
        try await running.value
        #expect(!term.begin(Self.controller()), "no term starts after shutdown began")
    }

    @Test func drainWithoutARunningTermReturnsAndBlocksNewTerms() async {
        let term = ControllerTerm<IdleReconciler>()
        await term.drain()
        #expect(!term.begin(Self.controller()))
    }

    @Test func aTermThatEndedBeforeShutdownIsNotWaitedFor() async throws {
        let term = ControllerTerm<IdleReconciler>()
        let controller = Self.controller()
        #expect(term.begin(controller))
        term.end()
        await term.drain()
        #expect(!term.begin(controller))
    }
}
