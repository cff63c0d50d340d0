/// `v1.Pod`, as `trustline verify` reads it to check what the pod identity webhook wrote
/// (docs/pod-identity-webhook.md). The spec stays raw JSON: the check reads containers, env and
/// volumes exactly as stored, and Trustline never writes a pod, so nothing is lost on a round trip.
public struct Pod: KubernetesResource, Equatable {
    public static let descriptor = ResourceDescriptor(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: JSONValue? = nil, status: PodStatus? = nil) {
        self.apiVersion = Self.descriptor.apiVersion
        self.kind = Self.descriptor.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// The part of a pod's status the check reports: its phase (`Pending`, `Running`, `Succeeded`,
/// `Failed`, `Unknown`).
public struct PodStatus: Codable, Sendable, Equatable {
    public var phase: String?

    public init(phase: String? = nil) {
        self.phase = phase
    }
}
