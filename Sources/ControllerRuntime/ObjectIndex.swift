import KubeModels

/// A secondary index over a cache of one kind: each object's values under a key function, kept
/// current as objects are added, updated and deleted, so "which objects have value v" is a
/// dictionary lookup instead of a scan of the whole cache (client-go's `Indexer`,
/// controller-runtime's field indexes).
///
/// A value type with no lock of its own: the owner updates it from the same events that update
/// the cache and keeps it behind a lock if several tasks read it.
public struct ObjectIndex<Object: KubernetesResource, Value: Hashable & Sendable>: Sendable {
    /// What one update did to one object's entry, so a caller can react to an object moving
    /// from one value to another (say, tell the objects left behind).
    public struct Change: Equatable, Sendable {
        public var key: ObjectKey
        /// The values the object had before the update.
        public var removed: Set<Value>
        /// The values the object has after the update.
        public var added: Set<Value>

        /// True when the object's values differ before and after.
        public var moved: Bool { removed != added }
        /// Every value the object had before or has now.
        public var touched: Set<Value> { removed.union(added) }
    }

    /// The values of one object; empty when it is not indexed under any.
    public let indexValues: @Sendable (Object) -> Set<Value>
    // Compact sets: nearly every entry holds one element, which then needs no allocation.
    private var valuesByKey: [ObjectKey: CompactSet<Value>] = [:]
    private var keysByValue: [Value: CompactSet<ObjectKey>] = [:]

    public init(_ indexValues: @escaping @Sendable (Object) -> Set<Value>) {
        self.indexValues = indexValues
    }

    /// The keys of the objects indexed under `value`, sorted.
    public func keys(for value: Value) -> [ObjectKey] {
        keysByValue[value]?.sorted() ?? []
    }

    /// The values `key` is indexed under; empty for an object not in the index.
    public func values(of key: ObjectKey) -> Set<Value> {
        valuesByKey[key]?.elements ?? []
    }

    /// How many objects have at least one value.
    public var count: Int { valuesByKey.count }

    /// Indexes `object` as added or updated. An object without a name is not indexed.
    @discardableResult
    public mutating func apply(_ object: Object) -> Change? {
        guard let key = object.objectKey else { return nil }
        return set(key, to: indexValues(object))
    }

    /// Drops `object` (deleted).
    @discardableResult
    public mutating func remove(_ object: Object) -> Change? {
        guard let key = object.objectKey else { return nil }
        return set(key, to: [])
    }

    /// Drops `key` (deleted, or no longer decodable).
    @discardableResult
    public mutating func remove(key: ObjectKey) -> Change {
        set(key, to: [])
    }

    /// Rebuilds the index from a complete list (after a relist), forgetting every other object.
    public mutating func replace(with objects: [Object]) {
        valuesByKey.removeAll(keepingCapacity: true)
        keysByValue.removeAll(keepingCapacity: true)
        for object in objects { apply(object) }
    }

    private mutating func set(_ key: ObjectKey, to values: Set<Value>) -> Change {
        let previous = valuesByKey[key]?.elements ?? []
        let change = Change(key: key, removed: previous, added: values)
        guard change.moved else { return change }
        for value in previous.subtracting(values) {
            keysByValue[value]?.remove(key)
            if keysByValue[value]?.isEmpty == true { keysByValue.removeValue(forKey: value) }
        }
        for value in values.subtracting(previous) {
            keysByValue[value, default: CompactSet()].insert(key)
        }
        valuesByKey[key] = values.isEmpty ? nil : CompactSet(values)
        return change
    }
}
