import KubeModels

/// The `WorkloadAwsAccess` custom resource (docs/design.md section 1): which ServiceAccount of a namespace
/// may use which AWS permissions. The operator converges an IAM role and the ServiceAccount to it.
public struct WorkloadAwsAccess: KubernetesResource, Equatable, Hashable {
    public static let descriptor = ResourceDescriptor(
        group: "trustline.dev", version: "v1alpha1", kind: "WorkloadAwsAccess",
        plural: "workloadawsaccesses", namespaced: true)

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: WorkloadAwsAccessSpec
    public var status: WorkloadAwsAccessStatus?

    public init(metadata: ObjectMeta, spec: WorkloadAwsAccessSpec = WorkloadAwsAccessSpec(), status: WorkloadAwsAccessStatus? = nil) {
        self.apiVersion = Self.descriptor.apiVersion
        self.kind = Self.descriptor.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.descriptor.apiVersion
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? Self.descriptor.kind
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(WorkloadAwsAccessSpec.self, forKey: .spec) ?? WorkloadAwsAccessSpec()
        status = try container.decodeIfPresent(WorkloadAwsAccessStatus.self, forKey: .status)
    }

    /// `metadata.namespace`, or empty when missing (validation reports that).
    public var namespace: String { metadata.namespace ?? "" }
    /// `metadata.name`, or empty when missing (validation reports that).
    public var name: String { metadata.name ?? "" }
}

extension ObjectMeta {
    /// The work-queue key `namespace/name`.
    public var trustlineKey: String { "\(namespace ?? "")/\(name ?? "")" }
}
