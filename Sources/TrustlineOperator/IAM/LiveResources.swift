import KubeModels
import TrustlineCore

/// The resources a drift pass and the orphan sweep read: every key in the watch caches, and each
/// resource looked up when needed. Why not an array of the resources: a decoded resource is
/// several hundred bytes inline, so a copy of every one held through a pass cost about 4.5 MiB at
/// 10,000 resources, on top of the page being compared (docs/design.md section 12).
struct LiveResources: Sendable {
    /// Every resource's key when the pass began, sorted.
    let keys: [ObjectKey]
    private let lookup: @Sendable (ObjectKey) -> WorkloadAwsAccess?

    /// A view of caches that can change while it is read: `resource(_:)` answers with the current
    /// object, or nil once it is gone.
    init(keys: [ObjectKey], lookup: @escaping @Sendable (ObjectKey) -> WorkloadAwsAccess?) {
        self.keys = keys
        self.lookup = lookup
    }

    /// A fixed set of resources (tests, and callers that already hold them).
    init(_ resources: [WorkloadAwsAccess]) {
        var byKey: [ObjectKey: WorkloadAwsAccess] = [:]
        for resource in resources {
            if let key = ObjectKey(resource.metadata) { byKey[key] = resource }
        }
        let fixed = byKey
        self.init(keys: fixed.keys.sorted(), lookup: { fixed[$0] })
    }

    /// The resource's current state, or nil when it is gone.
    func resource(_ key: ObjectKey) -> WorkloadAwsAccess? {
        lookup(key)
    }
}
