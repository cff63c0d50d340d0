import ControllerRuntime
import KubeClient
import KubeModels
import TrustlineCore

extension WatchSources {
    /// The resources a ServiceAccount event concerns: its owners, and the resources in its
    /// namespace that name it (one that only annotates an existing ServiceAccount), found through
    /// the claims index. Changes to anything but annotations and owners are ignored, and so is the
    /// first sight of a ServiceAccount the operator created already annotated: the echo of its
    /// own write.
    func keys(forAccountEvent event: ReflectorEvent<ServiceAccount>, reflectorIndex: Int) -> [ObjectKey] {
        switch event {
        case .restarted(let accounts):
            syncedAccountReflectors.withLock { _ = $0.insert(reflectorIndex) }
            // Only add: this reflector covers one namespace of several, and it reports the
            // ServiceAccounts that vanished meanwhile as `.deleted` right after.
            accountChanges.withLock { filter in
                for account in accounts {
                    if let key = account.objectKey { _ = filter.observe(account.metadata, key: key) }
                }
            }
            return []
        case .skipped(let bad):
            undecodable.report(bad, descriptor: ServiceAccount.descriptor)
            return []
        case .deleted(let account):
            if let key = account.objectKey { accountChanges.withLock { $0.forget(key) } }
            return resources(concerning: account.metadata, reflectorIndex: reflectorIndex)
        case .applied(let account):
            guard let key = account.objectKey else { return [] }
            switch accountChanges.withLock({ $0.observe(account.metadata, key: key) }) {
            case .unchanged: return []
            case .changed: return resources(concerning: account.metadata, reflectorIndex: reflectorIndex)
            case .firstSeen:
                return Self.isOwnEcho(account) ? [] : resources(concerning: account.metadata, reflectorIndex: reflectorIndex)
            }
        }
    }

    /// Created by the operator (owned by a WorkloadAwsAccess) with the role annotation in place.
    static func isOwnEcho(_ account: ServiceAccount) -> Bool {
        let owned = (account.metadata.ownerReferences ?? []).contains { $0.kind == WorkloadAwsAccess.descriptor.kind }
        return owned && account.metadata.annotations?[ServiceAccountAnnotations.roleArn] != nil
    }

    /// Owners first, then the resources naming the ServiceAccount, each once.
    private func resources(concerning metadata: ObjectMeta, reflectorIndex: Int) -> [ObjectKey] {
        var keys = OwnerKeys.keys(of: metadata, ownerKind: WorkloadAwsAccess.descriptor)
        guard let account = ObjectKey(metadata), account.namespace != nil else { return keys }
        for key in claims.keys(naming: account, reflector: reflectorIndex) where !keys.contains(key) {
            keys.append(key)
        }
        return keys
    }
}
