/// What the generic client needs to know to address a kind over REST.
public struct ResourceDescriptor: Sendable, Equatable, Hashable {
    /// Empty for the core group.
    public var group: String
    public var version: String
    public var kind: String
    /// Lower-case plural used in URLs, e.g. `workloadawsaccesses`.
    public var plural: String
    public var namespaced: Bool

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// `v1` for the core group, else `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// A typed Kubernetes object the generic client can get, list, watch and write.
public protocol KubernetesResource: Codable, Sendable {
    static var descriptor: ResourceDescriptor { get }
    var metadata: ObjectMeta { get set }
}
