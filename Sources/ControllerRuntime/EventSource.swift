import KubeModels

/// One stream of "this key needs a look" signals feeding a controller: keys of watched primary
/// objects, owners of changed dependents, or anything else mapped to keys. Throwing from a
/// source stops the controller (a watch that gave up); finishing normally just ends that source.
public struct EventSource: Sendable {
    /// Names the source in logs and errors.
    public let name: String
    let pump: @Sendable (_ emit: @escaping @Sendable (ObjectKey) -> Void) async throws -> Void

    /// A source from a closure that calls `emit` for each key until it returns.
    public init(name: String, pump: @escaping @Sendable (_ emit: @escaping @Sendable (ObjectKey) -> Void) async throws -> Void) {
        self.name = name
        self.pump = pump
    }

    /// Each element is mapped to zero or more keys.
    public static func mapping<Events: AsyncSequence & Sendable>(
        _ name: String, _ events: Events, to keys: @escaping @Sendable (Events.Element) -> [ObjectKey]
    ) -> EventSource {
        EventSource(name: name) { emit in
            for try await event in events {
                for key in keys(event) { emit(key) }
            }
        }
    }

    /// Keys of watched primary objects, as they are.
    public static func keys<Keys: AsyncSequence & Sendable>(_ name: String, _ keys: Keys) -> EventSource
    where Keys.Element == ObjectKey {
        mapping(name, keys) { [$0] }
    }

    /// Metadata of changed dependent objects (say, ServiceAccounts), mapped to the keys of their
    /// owners of `owner` kind through `ownerReferences`.
    public static func owned<Metadata: AsyncSequence & Sendable>(
        _ name: String, _ metadata: Metadata, owner: ResourceDescriptor, onlyController: Bool = false
    ) -> EventSource where Metadata.Element == ObjectMeta {
        mapping(name, metadata) { OwnerKeys.keys(of: $0, ownerKind: owner, onlyController: onlyController) }
    }
}
