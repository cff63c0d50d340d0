import AWSClients
import ControllerRuntime
import KubeModels
import TrustlineCore
@testable import TrustlineOperator

/// The reconciler harness with what `ControllerTerm` adds for the drift pass: a reconciler that
/// remembers converged roles, and the pass over the same in-memory IAM and resources.
struct DriftPassHarness {
    let base = ReconcilerHarness()
    let memo = ConvergedRoleMemo()
    let reconciler: WorkloadAwsAccessReconciler

    init() {
        reconciler = base.reconciler.remembering(memo)
    }

    var iam: InMemoryIAM { base.iam }

    static func name(_ index: Int) -> String { "app-\(index)" }
    static func roleName(_ index: Int) -> String { "prod.production.\(name(index))" }
    static func key(_ index: Int) -> ObjectKey { ObjectKey(namespace: "production", name: name(index)) }

    /// Applies `count` resources like the seed's example and reconciles each until Ready.
    func converge(_ count: Int) async throws {
        for index in 0..<count {
            try base.apply(Samples.myApp(name: Self.name(index)))
            _ = await reconciler.reconcile(Self.key(index))
        }
    }

    func reconcile(_ index: Int) async -> ReconcileResult {
        await reconciler.reconcile(Self.key(index))
    }

    /// Every resource as the watch cache holds it.
    var live: [WorkloadAwsAccess] { base.kubernetes.storedObjects(WorkloadAwsAccess.self, namespace: "production") }

    func pass(pageSize: Int) async throws -> DriftPass.Report {
        try await DriftPass(iam: iam, settings: base.settings, context: reconciler.context, memo: memo, pageSize: pageSize).run(live: LiveResources(live))
    }

    /// What `ControllerTerm` does with a pass's findings, short of the queue: flag each key, so
    /// its reconcile (run here at once) observes IAM in full.
    func act(on report: DriftPass.Report) async {
        for key in report.flagged.keys.sorted() {
            memo.flag(key)
            _ = await reconciler.reconcile(key)
        }
    }
}
