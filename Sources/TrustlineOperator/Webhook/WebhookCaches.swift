import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import Synchronization
import TrustlineCore

/// What `trustline webhook` reads on every pod CREATE without asking the API server: the
/// `WorkloadAwsAccess` resources and the ServiceAccounts of the watched namespaces (all, or
/// `watchNamespaces`), each kept by a reflector (list, then watch). Resources are also indexed
/// by namespace, so a request reads the few of its pod's namespace instead of scanning all.
/// A list or watch that fails is waited out (`RecoveringWatch`) and keeps `/readyz` failing.
final class WebhookCaches: Sendable {
    let kubernetes: any KubernetesAPI
    /// nil: all namespaces.
    let namespaces: [String?]
    let accessStores: [ObjectStore<WorkloadAwsAccess>]
    let accountStores: [ObjectStore<ServiceAccount>]
    /// Per resource reflector: which cached resources live in which namespace.
    private let byNamespace: Mutex<[ObjectIndex<WorkloadAwsAccess, String>]>
    /// Reflectors (resources first, then ServiceAccounts) that completed their first list.
    private let synced = Mutex<Set<Int>>([])
    let health: OperatorHealth
    let logger: Logger

    init(kubernetes: any KubernetesAPI, watchNamespaces: [String], health: OperatorHealth, logger: Logger) {
        self.kubernetes = kubernetes
        namespaces = watchNamespaces.isEmpty ? [nil] : watchNamespaces.map { Optional($0) }
        accessStores = namespaces.map { _ in ObjectStore<WorkloadAwsAccess>() }
        accountStores = namespaces.map { _ in ObjectStore<ServiceAccount>() }
        byNamespace = Mutex(namespaces.map { _ in ObjectIndex { [$0.metadata.namespace ?? ""] } })
        self.health = health
        self.logger = logger
    }

    /// Whether every reflector has completed its first list.
    var isSynced: Bool { synced.withLock { $0.count == 2 * namespaces.count } }

    /// Whether `namespace` is watched at all (outside `watchNamespaces` the webhook passes pods unchanged).
    func covers(_ namespace: String) -> Bool {
        storeIndex(for: namespace) != nil
    }

    /// The cached resources of `namespace`.
    func accesses(in namespace: String) -> [WorkloadAwsAccess] {
        guard let index = storeIndex(for: namespace) else { return [] }
        let keys = byNamespace.withLock { $0[index].keys(for: namespace) }
        return keys.compactMap { accessStores[index].get($0) }.filter { $0.metadata.namespace == namespace }
    }

    /// The cached ServiceAccount `namespace/name`, if any.
    func serviceAccount(namespace: String, name: String) -> ServiceAccount? {
        guard let index = storeIndex(for: namespace) else { return nil }
        return accountStores[index].get(namespace: namespace, name: name)
    }

    /// Runs every reflector until cancelled; `onSynced` is called once all completed their first list.
    func run(onSynced: @escaping @Sendable () -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, namespace) in namespaces.enumerated() {
                let resources = watch(accessStores[index], plural: "workloadawsaccesses", namespace: namespace)
                group.addTask { [self] in
                    try await resources.run(keys: { event in self.indexResources(event, reflector: index, onSynced: onSynced) }, emit: { _ in })
                }
                let accounts = watch(accountStores[index], plural: "serviceaccounts", namespace: namespace)
                group.addTask { [self] in
                    try await accounts.run(
                        keys: { event in
                            if case .restarted = event { self.markSynced(self.namespaces.count + index, onSynced: onSynced) }
                            return []
                        }, emit: { _ in })
                }
            }
            try await group.waitForAll()
        }
    }

    /// The list and watch filling `store`, waiting out failures (`RecoveringWatch`).
    private func watch<Object: KubernetesResource>(
        _ store: ObjectStore<Object>, plural: String, namespace: String?
    ) -> RecoveringWatch<Reflector<Object>> {
        RecoveringWatch(
            name: "\(plural)@\(namespace ?? "*")", kind: Object.descriptor, namespace: namespace,
            events: { [kubernetes] in Reflector<Object>(api: kubernetes, namespace: namespace, store: store, failuresBeforeThrowing: 3) },
            health: health, logger: logger)
    }

    private func indexResources(_ event: ReflectorEvent<WorkloadAwsAccess>, reflector index: Int, onSynced: @Sendable () -> Void) -> [ObjectKey] {
        switch event {
        case .restarted(let all):
            byNamespace.withLock { $0[index].replace(with: all) }
            markSynced(index, onSynced: onSynced)
        case .applied(let resource):
            _ = byNamespace.withLock { $0[index].apply(resource) }
        case .deleted(let resource):
            _ = byNamespace.withLock { $0[index].remove(resource) }
        case .skipped(let bad):
            if let key = bad.key { _ = byNamespace.withLock { $0[index].remove(key: key) } }
        }
        return []
    }

    private func markSynced(_ reflector: Int, onSynced: @Sendable () -> Void) {
        let (inserted, complete) = synced.withLock { synced in
            let inserted = synced.insert(reflector).inserted
            return (inserted, synced.count == 2 * namespaces.count)
        }
        if inserted, complete { onSynced() }
    }

    /// The cache covering `namespace`: its own, or the all-namespaces one.
    private func storeIndex(for namespace: String) -> Int? {
        namespaces.firstIndex(of: namespace) ?? namespaces.firstIndex(of: nil)
    }
}
