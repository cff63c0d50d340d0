import ControllerRuntime
import Foundation
import KubeModels
import Synchronization
import TrustlineCore

/// Which cached resources name which ServiceAccount (`spec.serviceAccount.name`, defaulting to
/// `metadata.name`): an `ObjectIndex` per resource reflector, kept current from the same events
/// that fill the reflector's cache. It serves the one-role-per-ServiceAccount rule (who else
/// claims this ServiceAccount, oldest first) and the ServiceAccount watch (which resources a
/// ServiceAccount event concerns) without scanning every cached resource.
///
/// The reflector writes its cache before it yields the event that updates the index, so for a
/// moment the two may differ. Lookups therefore read each candidate back from the cache and
/// check it still names the ServiceAccount; a resource the index has not seen yet is missed only
/// until its event, which enqueues the other claimants (`WatchSources`).
final class ServiceAccountClaims: Sendable {
    typealias Index = ObjectIndex<WorkloadAwsAccess, ObjectKey>

    /// One index per resource reflector, in the order of `WatchSources.namespaces`.
    private let indexes: Mutex<[Index]>

    init(reflectors: Int) {
        indexes = Mutex(Array(repeating: Index { [ServiceAccountClaims.claimedAccount(of: $0)] }, count: reflectors))
    }

    /// The ServiceAccount `resource` names, as a key in its namespace.
    static func claimedAccount(of resource: WorkloadAwsAccess) -> ObjectKey {
        ObjectKey(namespace: resource.namespace, name: RoleNaming.serviceAccountName(for: resource))
    }

    /// After reflector `reflector` (re)listed: exactly these resources.
    func replace(reflector: Int, with resources: [WorkloadAwsAccess]) {
        indexes.withLock { $0[reflector].replace(with: resources) }
    }

    /// A resource added or changed; says which ServiceAccounts it named before and names now.
    func apply(reflector: Int, _ resource: WorkloadAwsAccess) -> Index.Change? {
        indexes.withLock { $0[reflector].apply(resource) }
    }

    /// A resource deleted (or no longer decodable); says which ServiceAccount it named.
    func remove(reflector: Int, key: ObjectKey) -> Index.Change {
        indexes.withLock { $0[reflector].remove(key: key) }
    }

    /// The keys of the resources reflector `reflector` has indexed as naming `account`.
    func keys(naming account: ObjectKey, reflector: Int) -> [ObjectKey] {
        indexes.withLock { $0[reflector].keys(for: account) }
    }

    /// Orders claimants oldest first, by the core's one rule (`ServiceAccountClaim.isOlder`).
    static func oldestFirst(_ resources: [WorkloadAwsAccess]) -> [WorkloadAwsAccess] {
        resources.sorted(by: ServiceAccountClaim.isOlder)
    }
}
