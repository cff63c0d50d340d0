import KubeModels
import Synchronization

/// The reflector's cache: the latest known state of every object of one kind, readable by key
/// from any task while the reflector updates it.
///
/// Objects are held boxed: a decoded resource is several hundred bytes inline, and a dictionary
/// reserves room for about twice its count, so storing them unboxed cost about 1 MiB of table per
/// thousand objects (twice that while the table grows). A box is one pointer in the table.
public final class ObjectStore<Object: KubernetesResource>: Sendable {
    private final class Entry: Sendable {
        let object: Object
        init(_ object: Object) { self.object = object }
    }

    private let objects = Mutex<[ObjectKey: Entry]>([:])

    public init() {}

    public func get(_ key: ObjectKey) -> Object? {
        objects.withLock { $0[key]?.object }
    }

    public func get(namespace: String?, name: String) -> Object? {
        get(ObjectKey(namespace: namespace, name: name))
    }

    /// All objects, sorted by key.
    public func list() -> [Object] {
        objects.withLock { current in current.sorted { $0.key < $1.key }.map(\.value.object) }
    }

    public var keys: [ObjectKey] {
        objects.withLock { $0.keys.sorted() }
    }

    public var count: Int {
        objects.withLock { $0.count }
    }

    /// Replaces the whole content (after a list) and returns the objects that disappeared.
    func replace(with items: [Object]) -> [Object] {
        var fresh: [ObjectKey: Entry] = [:]
        fresh.reserveCapacity(items.count)
        for item in items {
            if let key = item.objectKey { fresh[key] = Entry(item) }
        }
        return objects.withLock { current in
            let removed = current.filter { fresh[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value.object)
            current = fresh
            return removed
        }
    }

    func apply(_ object: Object) {
        guard let key = object.objectKey else { return }
        let entry = Entry(object)
        objects.withLock { $0[key] = entry }
    }

    func remove(_ object: Object) {
        guard let key = object.objectKey else { return }
        remove(key: key)
    }

    func remove(key: ObjectKey) {
        objects.withLock { _ = $0.removeValue(forKey: key) }
    }
}
