import KubeModels
import Synchronization
import TrustlineCore
@testable import TrustlineOperator

/// The reconciler's watch cache over `InMemoryKubernetes`, read without recording calls: by
/// default a cache in perfect sync with the API server. Tests make it lag (`serveStale`, as a
/// watch event not delivered yet) or not synced yet (`serviceAccountsSynced = false`).
final class InMemoryReconcileCache: ReconcileCache {
    private struct State {
        var stale: [ObjectKey: WorkloadAwsAccess] = [:]
        var serviceAccountsSynced = true
        var resourceReads = 0
        var serviceAccountReads = 0
    }

    let kubernetes: InMemoryKubernetes
    private let state = Mutex(State())

    init(kubernetes: InMemoryKubernetes) {
        self.kubernetes = kubernetes
    }

    /// Serve `object` for its key until `catchUp()`, whatever the API server holds.
    func serveStale(_ object: WorkloadAwsAccess) {
        guard let key = object.objectKey else { return }
        state.withLock { $0.stale[key] = object }
    }

    /// The cache delivers the pending watch events: it serves what the API server holds again.
    func catchUp() {
        state.withLock { $0.stale.removeAll() }
    }

    var serviceAccountsSynced: Bool {
        get { state.withLock { $0.serviceAccountsSynced } }
        set { state.withLock { $0.serviceAccountsSynced = newValue } }
    }

    /// How often the reconciler read the cache, by kind.
    var resourceReads: Int { state.withLock { $0.resourceReads } }
    var serviceAccountReads: Int { state.withLock { $0.serviceAccountReads } }

    func resource(_ key: ObjectKey) -> WorkloadAwsAccess? {
        let stale = state.withLock { state -> WorkloadAwsAccess? in
            state.resourceReads += 1
            return state.stale[key]
        }
        return stale ?? kubernetes.stored(WorkloadAwsAccess.self, namespace: key.namespace ?? "", name: key.name)
    }

    func serviceAccount(namespace: String, name: String) -> CacheLookup<ServiceAccount> {
        let synced = state.withLock { state -> Bool in
            state.serviceAccountReads += 1
            return state.serviceAccountsSynced
        }
        guard synced else { return .unsynced }
        guard let account = kubernetes.stored(ServiceAccount.self, namespace: namespace, name: name) else { return .absent }
        return .present(account)
    }

    func claimants(ofServiceAccount name: String, namespace: String) -> [WorkloadAwsAccess] {
        kubernetes.storedObjects(WorkloadAwsAccess.self, namespace: namespace)
            .filter { RoleNaming.serviceAccountName(for: $0) == name }
            .sorted(by: ServiceAccountClaim.isOlder)
    }
}
