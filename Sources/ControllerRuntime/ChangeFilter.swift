import KubeModels

/// Judges each watch event of one kind against the last one seen of the same object, through a
/// `ChangePredicate` (kube-rs `predicate_filter`). It keeps one fingerprint per object, not the
/// object: a few bytes per key beside the reflector's cache.
///
/// Not thread-safe on its own (a value type); an event source that maps events on several tasks
/// keeps it behind a lock.
public struct ChangeFilter: Sendable {
    /// What an event is, compared with the last one seen of its object.
    public enum Verdict: Equatable, Sendable {
        /// No fingerprint was kept for the object: a new one, or one forgotten (deleted, no longer decodable).
        case firstSeen
        /// The predicate passes: something it watches changed.
        case changed
        /// Only what the predicate ignores changed (a status write, a resourceVersion bump).
        case unchanged
    }

    public let predicate: ChangePredicate
    private var fingerprints: [ObjectKey: Int] = [:]

    public init(_ predicate: ChangePredicate) {
        self.predicate = predicate
    }

    /// Records `metadata` as the latest of `key` and says how it compares with the previous one.
    public mutating func observe(_ metadata: ObjectMeta, key: ObjectKey) -> Verdict {
        let fingerprint = predicate.fingerprint(of: metadata)
        guard let previous = fingerprints.updateValue(fingerprint, forKey: key) else { return .firstSeen }
        return previous == fingerprint ? .unchanged : .changed
    }

    /// Drops what was kept of `key` (deleted, or no longer decodable): its next event is `.firstSeen`.
    public mutating func forget(_ key: ObjectKey) {
        fingerprints.removeValue(forKey: key)
    }

    /// How many objects have a fingerprint kept.
    public var count: Int { fingerprints.count }
}
