/// `v1.ObjectReference`: points at another object, e.g. the object an Event is about.
public struct ObjectReference: Codable, Sendable, Equatable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        name: String? = nil,
        namespace: String? = nil,
        uid: String? = nil,
        resourceVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to a typed object, with its kind and API version from its descriptor.
    public init<Object: KubernetesResource>(to object: Object) {
        self.init(
            apiVersion: Object.descriptor.apiVersion,
            kind: Object.descriptor.kind,
            name: object.metadata.name,
            namespace: object.metadata.namespace,
            uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion
        )
    }
}

/// `v1.LocalObjectReference`: a name in the same namespace.
public struct LocalObjectReference: Codable, Sendable, Equatable, Hashable {
    public var name: String?

    public init(name: String? = nil) { self.name = name }
}
