import KubeModels
import Synchronization
import TrustlineCore

/// The watch caches of the controller term that is running, behind one handle that outlives
/// terms, so the reconciler is built once per process and never rebuilt per term. Each term
/// fills fresh caches (a new leader must not act on what an old term saw) and hands them in for
/// as long as it runs; between terms nothing reconciles, and the handle answers as an empty,
/// unsynced cache would.
final class CurrentTermCache: ReconcileCache {
    private let current = Mutex<(any ReconcileCache)?>(nil)

    /// Serves `caches` while `body` runs, then nothing again.
    func serving<T>(_ caches: any ReconcileCache, during body: () async throws -> T) async rethrows -> T {
        current.withLock { $0 = caches }
        defer { current.withLock { $0 = nil } }
        return try await body()
    }

    func resource(_ key: ObjectKey) -> WorkloadAwsAccess? {
        current.withLock { $0 }?.resource(key)
    }

    func serviceAccount(namespace: String, name: String) -> CacheLookup<ServiceAccount> {
        current.withLock { $0 }?.serviceAccount(namespace: namespace, name: name) ?? .unsynced
    }

    func claimants(ofServiceAccount name: String, namespace: String) -> [WorkloadAwsAccess] {
        current.withLock { $0 }?.claimants(ofServiceAccount: name, namespace: namespace) ?? []
    }
}
