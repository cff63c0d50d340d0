import KubeModels
import TrustlineCore

/// What a watch cache knows about one object.
enum CacheLookup<Object: Sendable>: Sendable {
    /// The cache has not completed its first list: it cannot tell; ask the API server.
    case unsynced
    /// The cache is synced and holds no such object.
    case absent
    /// The object as the cache last saw it (possibly a little behind the API server).
    case present(Object)
}

/// The controller's watch caches, read by the reconciler instead of GET requests, as
/// controller-runtime and kube-runtime do. An object read from here may lag the API server by
/// the watch's delay; that is safe because every write the reconciler bases on it is guarded
/// (the finalizer patch and the status update carry the resourceVersion and fail with 409, which
/// is retried with fresh state), and the watch event that makes the cache current enqueues the
/// key again.
protocol ReconcileCache: Sendable {
    /// The resource, or nil when the cache holds none: it was deleted (or is not seen yet, in
    /// which case the watch event that adds it enqueues the key).
    func resource(_ key: ObjectKey) -> WorkloadAwsAccess?
    func serviceAccount(namespace: String, name: String) -> CacheLookup<ServiceAccount>
    /// The resources in `namespace` that name ServiceAccount `name` (spec.serviceAccount.name, defaulting
    /// to metadata.name), oldest first: by creationTimestamp, then by name. Empty when unsynced.
    func claimants(ofServiceAccount name: String, namespace: String) -> [WorkloadAwsAccess]
}
