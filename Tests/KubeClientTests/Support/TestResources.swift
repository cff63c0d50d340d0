import KubeModels

/// A test-only custom resource, so client tests do not depend on TrustlineCore's types.
struct Widget: KubernetesResource, Equatable {
    static let descriptor = ResourceDescriptor(
        group: "example.trustline.dev", version: "v1", kind: "Widget", plural: "widgets", namespaced: true)

    struct Spec: Codable, Sendable, Equatable {
        var size: Int
        var color: String?
    }

    struct Status: Codable, Sendable, Equatable {
        var phase: String?
        var observedGeneration: Int64?
    }

    var metadata: ObjectMeta
    var spec: Spec
    var status: Status?

    init(namespace: String, name: String, size: Int, color: String? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        spec = Spec(size: size, color: color)
    }
}

/// A cluster-scoped test kind.
struct Gadget: KubernetesResource, Equatable {
    static let descriptor = ResourceDescriptor(
        group: "example.trustline.dev", version: "v1", kind: "Gadget", plural: "gadgets", namespaced: false)
    var metadata: ObjectMeta
}
