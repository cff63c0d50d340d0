/// `v1.Namespace`: cluster-scoped; tenants' resources live in one each. Created by tests and
/// the local demo, watched when the operator limits itself to some namespaces.
public struct Namespace: KubernetesResource, Equatable {
    public static let descriptor = ResourceDescriptor(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false
    )

    /// `v1.NamespaceStatus`.
    public struct Status: Codable, Sendable, Equatable {
        /// `Active` or `Terminating`.
        public var phase: String?

        public init(phase: String? = nil) { self.phase = phase }
    }

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var status: Status?

    public init(name: String, labels: [String: String]? = nil) {
        self.apiVersion = Self.descriptor.apiVersion
        self.kind = Self.descriptor.kind
        self.metadata = ObjectMeta(name: name, labels: labels)
    }
}
