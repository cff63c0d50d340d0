import KubeModels
import Synchronization

/// The reflector's cache: the latest known state of every object of one kind, readable by key
/// from any task while the reflector updates it.
public final class ObjectStore<Object: KubernetesResource>: Sendable {
    private let objects = Mutex<[ObjectKey: Object]>([:])

    public init() {}

    public func get(_ key: ObjectKey) -> Object? {
        objects.withLock { $0[key] }
    }

    public func get(namespace: String?, name: String) -> Object? {
        get(ObjectKey(namespace: namespace, name: name))
    }

    /// All objects, sorted by key.
    public func list() -> [Object] {
        objects.withLock { current in current.sorted { $0.key < $1.key }.map(\.value) }
    }

    public var keys: [ObjectKey] {
        objects.withLock { $0.keys.sorted() }
    }

    public var count: Int {
        objects.withLock { $0.count }
    }

    /// Replaces the whole content (after a list) and returns the objects that disappeared.
    func replace(with items: [Object]) -> [Object] {
        var fresh: [ObjectKey: Object] = [:]
        for item in items {
            if let key = item.objectKey { fresh[key] = item }
        }
        return objects.withLock { current in
            let removed = current.filter { fresh[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value)
            current = fresh
            return removed
        }
    }

    func apply(_ object: Object) {
        guard let key = object.objectKey else { return }
        objects.withLock { $0[key] = object }
    }

    func remove(_ object: Object) {
        guard let key = object.objectKey else { return }
        objects.withLock { _ = $0.removeValue(forKey: key) }
    }
}
