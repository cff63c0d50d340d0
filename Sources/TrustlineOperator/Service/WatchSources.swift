import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import Synchronization
import TrustlineCore

/// The event sources of the WorkloadAwsAccess controller: a reflector of the resources (one per
/// watched namespace, or one for all), and a reflector of ServiceAccounts whose changes are
/// mapped to the resources that own or annotate them. The caches also answer `knownKeys` for
/// resync and the managed-resources gauge, and are what the reconciler reads (`ReconcileCache`).
final class WatchSources: ReconcileCache {
    let kubernetes: any KubernetesAPI
    /// nil: all namespaces.
    let namespaces: [String?]
    let stores: [ObjectStore<WorkloadAwsAccess>]
    /// ServiceAccounts, per namespace like `stores`.
    let accountStores: [ObjectStore<ServiceAccount>]
    /// Called once every primary reflector has completed its first list.
    let onSynced: @Sendable () -> Void
    /// Where a watch waiting out a problem (a missing CRD, RBAC) keeps `/readyz` failing.
    let health: OperatorHealth
    let logger: Logger
    /// Logs, counts and reports on the objects the reflectors skip because they do not decode.
    let undecodable: UndecodableObjectReporter
    private let syncedReflectors = Mutex<Set<Int>>([])
    /// Indexes of the ServiceAccount reflectors that completed their first list.
    private let syncedAccountReflectors = Mutex<Set<Int>>([])
    /// What was last seen of each resource that matters for reconciling: status-only changes
    /// (our own status writes) do not enqueue it again.
    private let fingerprints = Mutex<[ObjectKey: Fingerprint]>([:])
    /// The same for ServiceAccounts: annotations and owners, the parts the operator converges.
    private let accountFingerprints = Mutex<[ObjectKey: AccountFingerprint]>([:])

    /// Consecutive failures of a list or watch before it is reported (logged, `/readyz` failing)
    /// by `RecoveringWatch` rather than retried quietly: a blip passes unseen, a stall does not.
    static let failuresBeforeThrowing = 3

    struct AccountFingerprint: Equatable {
        var uid: String?
        var annotations: [String: String]?
        var owners: [String]
    }

    struct Fingerprint: Equatable {
        var uid: String?
        var generation: Int64?
        var deleting: Bool
        var labels: [String: String]?
        var annotations: [String: String]?
    }

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
        self.onSynced = onSynced
    }

    /// Every resource key in the caches, for resync.
    var keys: [ObjectKey] { stores.flatMap(\.keys) }
    var resourceCount: Int { stores.reduce(0) { $0 + $1.count } }

    /// Every resource in the caches once each primary reflector completed its first list; nil
    /// before that, when an absent uid proves nothing (the orphan sweep must wait).
    var syncedResources: [WorkloadAwsAccess]? {
        guard syncedReflectors.withLock({ $0.count == namespaces.count }) else { return nil }
        return stores.flatMap { $0.list() }
    }

    /// One source per reflector; each waits out a failing list or watch (`RecoveringWatch`)
    /// instead of stopping the controller.
    var sources: [EventSource] {
        var sources: [EventSource] = []
        for (index, namespace) in namespaces.enumerated() {
            let resources = RecoveringWatch(
                name: "workloadawsaccesses@\(namespace ?? "*")", kind: WorkloadAwsAccess.descriptor, namespace: namespace,
                events: { [kubernetes, stores] in Reflector<WorkloadAwsAccess>(api: kubernetes, namespace: namespace, store: stores[index], failuresBeforeThrowing: Self.failuresBeforeThrowing) },
                health: health, logger: logger)
            sources.append(resources.source { [self] event in self.keys(for: event, reflectorIndex: index) })
            let serviceAccounts = RecoveringWatch(
                name: "serviceaccounts@\(namespace ?? "*")", kind: ServiceAccount.descriptor, namespace: namespace,
                events: { [kubernetes, accountStores] in Reflector<ServiceAccount>(api: kubernetes, namespace: namespace, store: accountStores[index], failuresBeforeThrowing: Self.failuresBeforeThrowing) },
                health: health, logger: logger)
            sources.append(serviceAccounts.source { [self] event in self.owners(of: event, reflectorIndex: index) })
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
        return stores[index].list()
            .filter { $0.namespace == namespace && RoleNaming.serviceAccountName(for: $0) == name }
            .sorted(by: ServiceAccountClaim.isOlder)
    }

    /// The cache covering `namespace`: its own, or the all-namespaces one.
    private func storeIndex(for namespace: String?) -> Int? {
        namespaces.firstIndex(of: namespace) ?? namespaces.firstIndex(of: nil)
    }

    private func keys(for event: ReflectorEvent<WorkloadAwsAccess>, reflectorIndex: Int) -> [ObjectKey] {
        switch event {
        case .restarted(let objects):
            let allSynced = syncedReflectors.withLock { synced -> Bool in
                let first = synced.insert(reflectorIndex).inserted
                return first && synced.count == namespaces.count
            }
            if allSynced { onSynced() }
            return objects.compactMap { object in
                guard let key = object.objectKey else { return nil }
                remember(object, key: key)
                return key
            }
        case .applied(let object):
            guard let key = object.objectKey else { return [] }
            return remember(object, key: key) ? [key] : []
        case .deleted(let object):
            guard let key = object.objectKey else { return [] }
            _ = fingerprints.withLock { $0.removeValue(forKey: key) }
            return [key]
        case .skipped(let bad):
            // Not reconciled: there is no typed object to act on. Forget its fingerprint, so a
            // fixed version is seen as a change.
            undecodable.report(bad, descriptor: WorkloadAwsAccess.descriptor)
            if let key = bad.key { _ = fingerprints.withLock { $0.removeValue(forKey: key) } }
            return []
        }
    }

    /// Stores the fingerprint; true when it changed.
    @discardableResult
    private func remember(_ object: WorkloadAwsAccess, key: ObjectKey) -> Bool {
        let metadata = object.metadata
        let print = Fingerprint(
            uid: metadata.uid, generation: metadata.generation, deleting: metadata.deletionTimestamp != nil,
            labels: metadata.labels, annotations: metadata.annotations)
        return fingerprints.withLock { known in
            if known[key] == print { return false }
            known[key] = print
            return true
        }
    }

    /// The resources a ServiceAccount change concerns: its owners, and any resource in its
    /// namespace that names it (one that only annotates an existing ServiceAccount). Changes to
    /// anything but annotations and owners are ignored, and so is the first sight of a
    /// ServiceAccount the operator created already annotated: the echo of its own write.
    private func owners(of event: ReflectorEvent<ServiceAccount>, reflectorIndex: Int) -> [ObjectKey] {
        switch event {
        case .restarted(let accounts):
            syncedAccountReflectors.withLock { _ = $0.insert(reflectorIndex) }
            // Only add: this reflector covers one namespace of several, and it reports the
            // ServiceAccounts that vanished meanwhile as `.deleted` right after.
            accountFingerprints.withLock { known in
                for account in accounts {
                    if let key = account.objectKey { known[key] = Self.fingerprint(account) }
                }
            }
            return []
        case .skipped(let bad):
            undecodable.report(bad, descriptor: ServiceAccount.descriptor)
            return []
        case .deleted(let account):
            if let key = account.objectKey { _ = accountFingerprints.withLock { $0.removeValue(forKey: key) } }
            return resources(concerning: account.metadata)
        case .applied(let account):
            guard let key = account.objectKey else { return [] }
            let print = Self.fingerprint(account)
            let previous = accountFingerprints.withLock { known -> AccountFingerprint? in
                defer { known[key] = print }
                return known[key]
            }
            if let previous {
                return previous == print ? [] : resources(concerning: account.metadata)
            }
            return Self.isOwnEcho(account) ? [] : resources(concerning: account.metadata)
        }
    }

    /// Created by the operator (owned by a WorkloadAwsAccess) with the role annotation in place.
    private static func isOwnEcho(_ account: ServiceAccount) -> Bool {
        let owned = (account.metadata.ownerReferences ?? []).contains { $0.kind == WorkloadAwsAccess.descriptor.kind }
        return owned && account.metadata.annotations?[ServiceAccountAnnotations.roleArn] != nil
    }

    private static func fingerprint(_ account: ServiceAccount) -> AccountFingerprint {
        AccountFingerprint(
            uid: account.metadata.uid, annotations: account.metadata.annotations,
            owners: (account.metadata.ownerReferences ?? []).map(\.uid).sorted())
    }

    private func resources(concerning metadata: ObjectMeta) -> [ObjectKey] {
        var keys = OwnerKeys.keys(of: metadata, ownerKind: WorkloadAwsAccess.descriptor)
        guard let namespace = metadata.namespace, let name = metadata.name else { return keys }
        for store in stores {
            for resource in store.list() where resource.metadata.namespace == namespace {
                guard RoleNaming.serviceAccountName(for: resource) == name, let key = resource.objectKey else { continue }
                if !keys.contains(key) { keys.append(key) }
            }
        }
        return keys
    }
}
