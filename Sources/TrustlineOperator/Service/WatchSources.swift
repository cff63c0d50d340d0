import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import Synchronization
import TrustlineCore

/// The event sources of the WorkloadAwsAccess controller: a reflector of the resources (one per
/// watched namespace, or one for all), and a reflector of ServiceAccounts whose changes are
/// mapped to the resources that own or name them. The caches also answer `knownKeys` for
/// resync and the managed-resources gauge, and are what the reconciler reads (`ReconcileCache`);
/// they keep only what is read (`CacheTrimming`).
///
/// This file holds the wiring and the cache reads; how events become keys is in
/// `WatchSources+ResourceEvents.swift` and `WatchSources+AccountEvents.swift`.
final class WatchSources: ReconcileCache {
    let kubernetes: any KubernetesAPI
    /// nil: all namespaces.
    let namespaces: [String?]
    let stores: [ObjectStore<WorkloadAwsAccess>]
    /// ServiceAccounts, per namespace like `stores`.
    let accountStores: [ObjectStore<ServiceAccount>]
    /// Which resources name which ServiceAccount, per namespace like `stores`.
    let claims: ServiceAccountClaims
    /// Called once every primary reflector has completed its first list.
    let onSynced: @Sendable () -> Void
    /// Where a watch waiting out a problem (a missing CRD, RBAC) keeps `/readyz` failing.
    let health: OperatorHealth
    let logger: Logger
    /// Logs, counts and reports on the objects the reflectors skip because they do not decode.
    let undecodable: UndecodableObjectReporter
    /// Indexes of the resource reflectors that completed their first list.
    let syncedReflectors = Mutex<Set<Int>>([])
    /// Indexes of the ServiceAccount reflectors that completed their first list.
    let syncedAccountReflectors = Mutex<Set<Int>>([])
    /// What was last seen of each resource that matters for reconciling: status-only changes
    /// (our own status writes) do not enqueue it again.
    let resourceChanges = Mutex(ChangeFilter(.workloadAwsAccessChanges))
    /// The same for ServiceAccounts: annotations and owners, the parts the operator converges.
    let accountChanges = Mutex(ChangeFilter(.serviceAccountChanges))
    /// What the caches keep of each object; one table of shared values for both kinds.
    let trimming = CacheTrimming()

    /// Consecutive failures of a list or watch before it is reported (logged, `/readyz` failing)
    /// by `RecoveringWatch` rather than retried quietly: a blip passes unseen, a stall does not.
    static let failuresBeforeThrowing = 3

    init(
        kubernetes: any KubernetesAPI, watchNamespaces: [String], health: OperatorHealth = OperatorHealth(),
        logger: Logger = Logger(label: "trustline.watch"), undecodable: UndecodableObjectReporter? = nil,
        onSynced: @escaping @Sendable () -> Void
    ) {
        self.undecodable = undecodable ?? UndecodableObjectReporter(events: nil, metrics: nil, logger: logger)
        self.health = health
        self.logger = logger
        self.kubernetes = kubernetes
        namespaces = watchNamespaces.isEmpty ? [nil] : watchNamespaces.map { Optional($0) }
        stores = namespaces.map { _ in ObjectStore<WorkloadAwsAccess>() }
        accountStores = namespaces.map { _ in ObjectStore<ServiceAccount>() }
        claims = ServiceAccountClaims(reflectors: namespaces.count)
        self.onSynced = onSynced
    }

    /// Every resource key in the caches, for resync.
    var keys: [ObjectKey] { stores.flatMap(\.keys) }
    var resourceCount: Int { stores.reduce(0) { $0 + $1.count } }

    /// The resources in the caches once each primary reflector completed its first list; nil
    /// before that, when an absent uid proves nothing (the orphan sweep must wait).
    var syncedResources: LiveResources? {
        guard syncedReflectors.withLock({ $0.count == namespaces.count }) else { return nil }
        return LiveResources(keys: keys) { [stores] key in
            for store in stores {
                if let resource = store.get(key) { return resource }
            }
            return nil
        }
    }

    /// One source per reflector; each waits out a failing list or watch (`RecoveringWatch`)
    /// instead of stopping the controller.
    var sources: [EventSource] {
        var sources: [EventSource] = []
        for (index, namespace) in namespaces.enumerated() {
            let resources = RecoveringWatch(
                name: "workloadawsaccesses@\(namespace ?? "*")", kind: WorkloadAwsAccess.descriptor, namespace: namespace,
                events: { [kubernetes, stores, trimming] in Reflector<WorkloadAwsAccess>(api: kubernetes, namespace: namespace, store: stores[index], failuresBeforeThrowing: Self.failuresBeforeThrowing, transform: { trimming.resource($0) }) },
                health: health, logger: logger)
            sources.append(resources.source { [self] event in self.keys(for: event, reflectorIndex: index) })
            let serviceAccounts = RecoveringWatch(
                name: "serviceaccounts@\(namespace ?? "*")", kind: ServiceAccount.descriptor, namespace: namespace,
                events: { [kubernetes, accountStores, trimming] in Reflector<ServiceAccount>(api: kubernetes, namespace: namespace, store: accountStores[index], failuresBeforeThrowing: Self.failuresBeforeThrowing, transform: { trimming.serviceAccount($0) }) },
                health: health, logger: logger)
            sources.append(serviceAccounts.source { [self] event in self.keys(forAccountEvent: event, reflectorIndex: index) })
        }
        return sources
    }

    // MARK: ReconcileCache

    func resource(_ key: ObjectKey) -> WorkloadAwsAccess? {
        guard let index = storeIndex(for: key.namespace) else { return nil }
        return stores[index].get(key)
    }

    func serviceAccount(namespace: String, name: String) -> CacheLookup<ServiceAccount> {
        guard let index = storeIndex(for: namespace), syncedAccountReflectors.withLock({ $0.contains(index) }) else {
            return .unsynced
        }
        guard let account = accountStores[index].get(namespace: namespace, name: name) else { return .absent }
        return .present(account)
    }

    func claimants(ofServiceAccount name: String, namespace: String) -> [WorkloadAwsAccess] {
        guard let index = storeIndex(for: namespace), syncedReflectors.withLock({ $0.contains(index) }) else { return [] }
        let account = ObjectKey(namespace: namespace, name: name)
        // Read back from the cache, which the reflector updates first: the index may trail it.
        let resources = claims.keys(naming: account, reflector: index)
            .compactMap { stores[index].get($0) }
            .filter { ServiceAccountClaims.claimedAccount(of: $0) == account }
        return ServiceAccountClaims.oldestFirst(resources)
    }

    /// The cache covering `namespace`: its own, or the all-namespaces one.
    func storeIndex(for namespace: String?) -> Int? {
        namespaces.firstIndex(of: namespace) ?? namespaces.firstIndex(of: nil)
    }
}
