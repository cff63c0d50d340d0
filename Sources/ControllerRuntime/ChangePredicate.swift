import KubeModels

/// One part of an object's metadata whose change is worth a reconcile, as kube-rs predicates and
/// controller-runtime's `predicate` package have it. A predicate reduces the metadata to a
/// fingerprint and a change passes when the fingerprint differs; whatever no predicate looks at
/// (status, resourceVersion, managedFields) changes without passing, which is how a controller
/// ignores the echo of its own status writes.
///
/// Fingerprints are `Hasher` values: seeded per process, so they are compared only within one
/// run and never stored or sent anywhere. Two different states hash alike with odds of about
/// 2^-64 per change; the periodic resync covers that miss as it covers a dropped event.
public struct ChangePredicate: Sendable {
    /// Names the predicate in test output and logs.
    public let name: String
    private let feed: @Sendable (ObjectMeta, inout Hasher) -> Void

    /// A predicate that watches what `feed` hashes of the metadata.
    public init(name: String, feed: @escaping @Sendable (ObjectMeta, inout Hasher) -> Void) {
        self.name = name
        self.feed = feed
    }

    /// What this predicate sees of `metadata`, reduced to one value.
    public func fingerprint(of metadata: ObjectMeta) -> Int {
        var hasher = Hasher()
        feed(metadata, &hasher)
        return hasher.finalize()
    }

    /// True when the change from `old` to `new` is one this predicate lets through.
    public func passes(from old: ObjectMeta, to new: ObjectMeta) -> Bool {
        fingerprint(of: old) != fingerprint(of: new)
    }

    /// `metadata.generation`: the API server bumps it on spec changes only (for kinds with a
    /// status subresource), so status writes do not pass. Kinds without a generation never do.
    public static let generationChanged = ChangePredicate(name: "generation") { metadata, hasher in
        hasher.combine(metadata.generation)
    }

    /// `metadata.labels`; an absent map and an empty one are the same.
    public static let labelsChanged = ChangePredicate(name: "labels") { metadata, hasher in
        hasher.combine(metadata.labels ?? [:])
    }

    /// `metadata.annotations`; an absent map and an empty one are the same.
    public static let annotationsChanged = ChangePredicate(name: "annotations") { metadata, hasher in
        hasher.combine(metadata.annotations ?? [:])
    }

    /// `metadata.deletionTimestamp` appearing: the object is going away and its finalizers want
    /// to run. Later changes of the timestamp itself do not pass.
    public static let deletionStarted = ChangePredicate(name: "deletion") { metadata, hasher in
        hasher.combine(metadata.deletionTimestamp != nil)
    }

    /// `metadata.uid`: the object was deleted and created again under the same name between two
    /// events the watch delivered.
    public static let recreated = ChangePredicate(name: "uid") { metadata, hasher in
        hasher.combine(metadata.uid)
    }

    /// The owners in `metadata.ownerReferences`, by uid and whichever is the controller, in any
    /// order: a dependent that gained, lost or changed an owner.
    public static let ownersChanged = ChangePredicate(name: "owners") { metadata, hasher in
        let owners = (metadata.ownerReferences ?? []).map { "\($0.uid)\($0.controller == true ? "!" : "")" }
        hasher.combine(Set(owners))
    }

    /// Passes when any of `predicates` passes (and never when the list is empty).
    public static func any(_ predicates: [ChangePredicate]) -> ChangePredicate {
        ChangePredicate(name: predicates.map(\.name).joined(separator: "|")) { metadata, hasher in
            for predicate in predicates {
                predicate.feed(metadata, &hasher)
            }
        }
    }
}
