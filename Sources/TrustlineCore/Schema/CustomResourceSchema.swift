import KubeModels

/// What a CustomResourceDefinition tells a manifest check: the group, the kind, the served
/// versions and each version's `openAPIV3Schema`. Read from the CRD document itself, so
/// `trustline plan` and the API server judge manifests by the same file (`crds/`).
public struct CustomResourceSchema: Sendable {
    public var group: String
    public var kind: String
    /// Served versions in the CRD's order, each with its schema.
    public var versions: [(name: String, schema: JSONValue)]

    /// A CRD that lacks what a manifest check needs.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `spec.group`, `spec.names.kind` and the served versions of an
    /// `apiextensions.k8s.io/v1` CustomResourceDefinition.
    public init(crd: JSONValue) throws(Malformed) {
        guard crd["kind"]?.stringValue == "CustomResourceDefinition" else {
            throw Malformed(description: "the document is not a CustomResourceDefinition")
        }
        guard let group = crd["spec"]?["group"]?.stringValue, let kind = crd["spec"]?["names"]?["kind"]?.stringValue else {
            throw Malformed(description: "the CRD has no spec.group or spec.names.kind")
        }
        var versions: [(name: String, schema: JSONValue)] = []
        for version in crd["spec"]?["versions"]?.jsonElements ?? [] where version["served"] == .bool(true) {
            guard let name = version["name"]?.stringValue, let schema = version["schema"]?["openAPIV3Schema"] else {
                throw Malformed(description: "a served version of the CRD has no name or no schema.openAPIV3Schema")
            }
            versions.append((name, schema))
        }
        guard !versions.isEmpty else { throw Malformed(description: "the CRD serves no version") }
        self.group = group
        self.kind = kind
        self.versions = versions
    }

    /// The schema of `apiVersion` (`group/version`), or nil when the version is not served.
    public func schema(forAPIVersion apiVersion: String) -> JSONValue? {
        versions.first { "\(group)/\($0.name)" == apiVersion }?.schema
    }

    /// `group/version` of every served version, for messages.
    public var servedAPIVersions: [String] { versions.map { "\(group)/\($0.name)" } }
}
