import ControllerRuntime
import KubeClient
import KubeModels
import TrustlineCore

extension WatchSources {
    /// The keys a WorkloadAwsAccess event enqueues: the resource itself unless only its status
    /// changed, and, when it starts or stops naming a ServiceAccount (added, renamed its
    /// ServiceAccount, deleted), the other resources naming the ServiceAccounts it left or
    /// joined, so the next claimant takes over (or yields) without waiting for a resync.
    func keys(for event: ReflectorEvent<WorkloadAwsAccess>, reflectorIndex: Int) -> [ObjectKey] {
        switch event {
        case .restarted(let objects):
            // Every listed resource is enqueued, which covers any claim that moved while away.
            claims.replace(reflector: reflectorIndex, with: objects)
            resourceChanges.withLock { filter in
                for object in objects {
                    if let key = object.objectKey { _ = filter.observe(object.metadata, key: key) }
                }
            }
            let allSynced = syncedReflectors.withLock { synced -> Bool in
                let first = synced.insert(reflectorIndex).inserted
                return first && synced.count == namespaces.count
            }
            if allSynced { onSynced() }
            return objects.compactMap(\.objectKey)
        case .applied(let object):
            guard let key = object.objectKey else { return [] }
            let verdict = resourceChanges.withLock { $0.observe(object.metadata, key: key) }
            let own = verdict == .unchanged ? [] : [key]
            guard let change = claims.apply(reflector: reflectorIndex, object) else { return own }
            return own + otherClaimants(after: change, reflectorIndex: reflectorIndex)
        case .deleted(let object):
            guard let key = object.objectKey else { return [] }
            resourceChanges.withLock { $0.forget(key) }
            return [key] + otherClaimants(after: claims.remove(reflector: reflectorIndex, key: key), reflectorIndex: reflectorIndex)
        case .skipped(let bad):
            // Not reconciled: there is no typed object to act on. Forget its fingerprint, so a
            // fixed version is seen as a change; it no longer holds its ServiceAccount either.
            undecodable.report(bad, descriptor: WorkloadAwsAccess.descriptor)
            guard let key = bad.key else { return [] }
            resourceChanges.withLock { $0.forget(key) }
            return otherClaimants(after: claims.remove(reflector: reflectorIndex, key: key), reflectorIndex: reflectorIndex)
        }
    }

    /// When a resource's claim moved: every other resource naming a ServiceAccount it named
    /// before or names now. Nothing when the claim stayed where it was.
    private func otherClaimants(after change: ServiceAccountClaims.Index.Change, reflectorIndex: Int) -> [ObjectKey] {
        guard change.moved else { return [] }
        var keys: [ObjectKey] = []
        for account in change.touched.sorted() {
            for key in claims.keys(naming: account, reflector: reflectorIndex) where key != change.key && !keys.contains(key) {
                keys.append(key)
            }
        }
        return keys
    }
}
