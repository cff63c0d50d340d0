/// A list response (`ServiceAccountList`, `WorkloadAwsAccessList`, ...) decoded generically:
/// the items plus the `ListMeta` whose `resourceVersion` a watch starts from and whose
/// `continue` token fetches the next page.
public struct ObjectList<Object: KubernetesResource>: Codable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ListMeta
    public var items: [Object]

    public init(metadata: ListMeta = ListMeta(), items: [Object]) {
        self.apiVersion = Object.descriptor.apiVersion
        self.kind = Object.descriptor.kind + "List"
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, items }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        // The API server writes `"items": null` for an empty list in some versions.
        items = try container.decodeIfPresent([Object].self, forKey: .items) ?? []
    }
}
