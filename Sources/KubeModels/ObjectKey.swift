/// The identity of an object within one kind: namespace (nil for cluster-scoped) and name.
/// Caches, work queues and events key on it; its description is the usual `namespace/name`.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String?
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The key of an object's metadata; nil when the object has no name yet.
    public init?(_ metadata: ObjectMeta) {
        guard let name = metadata.name else { return nil }
        self.init(namespace: metadata.namespace, name: name)
    }

    /// Parses `namespace/name` or `name`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !parts[0].isEmpty:
            self.init(namespace: nil, name: String(parts[0]))
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            self.init(namespace: String(parts[0]), name: String(parts[1]))
        default:
            return nil
        }
    }

    public var description: String {
        if let namespace { return "\(namespace)/\(name)" }
        return name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}

extension KubernetesResource {
    /// This object's key; nil when it has no name (e.g. `generateName` before creation).
    public var objectKey: ObjectKey? { ObjectKey(metadata) }
}
