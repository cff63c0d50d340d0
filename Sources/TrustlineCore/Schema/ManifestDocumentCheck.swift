import KubeModels

/// Decides what `trustline plan` does with one manifest document before any guardrail: plans it,
/// refuses it the way the API server would (unserved version, schema), or skips it as another
/// kind, warning when the kind looks like a typo of ours. Pure, so every case is a table row.
public struct ManifestDocumentCheck: Sendable {
    public let resource: CustomResourceSchema

    public init(resource: CustomResourceSchema) {
        self.resource = resource
    }

    /// What to do with a document.
    public enum Verdict: Sendable, Equatable {
        /// A resource of ours that the API server would accept; evaluate it.
        case accepted
        /// Ours (or meant to be), and the API server would refuse it.
        case refused([DocumentProblem])
        /// Another kind; the warnings (possibly none) say why it may be a mistake.
        case skipped([DocumentProblem])
    }

    public func check(_ document: JSONValue) -> Verdict {
        guard document.jsonMembers != nil else {
            return .refused([.error(field: "", Self.notAnObject(document))])
        }
        let apiVersion = document["apiVersion"]?.stringValue ?? ""
        let kind = document["kind"]?.stringValue ?? ""
        var missing: [DocumentProblem] = []
        if apiVersion.isEmpty { missing.append(.error(field: "apiVersion", "not set; every Kubernetes object needs apiVersion (for this kind: \(resource.servedAPIVersions[0]))")) }
        if kind.isEmpty { missing.append(.error(field: "kind", "not set; every Kubernetes object needs kind (for this resource: \(resource.kind))")) }
        if !missing.isEmpty { return .refused(missing) }
        // `trustline.dev` without a version is ours too (and refused), not another group.
        let group = String(apiVersion.split(separator: "/").first ?? "")
        if group == resource.group {
            guard kind == resource.kind else {
                return .refused([.error(field: "kind", "\(resource.group) has no kind \"\(kind)\"; use kind: \(resource.kind)")])
            }
            guard let schema = resource.schema(forAPIVersion: apiVersion) else {
                return .refused([.error(field: "apiVersion", "\"\(apiVersion)\" is not served by the CRD; use \(resource.servedAPIVersions.joined(separator: " or "))")])
            }
            let problems = StructuralSchemaValidator(schema: schema).problems(in: document)
            return problems.isEmpty ? .accepted : .refused(problems)
        }
        if kind == resource.kind {
            return .skipped([.warning(field: "apiVersion", "kind \(kind) with apiVersion \"\(apiVersion)\" is not a Trustline resource and was skipped; write apiVersion: \(resource.servedAPIVersions[0]) if it is meant to be one")])
        }
        if Self.isNearMiss(kind, of: resource.kind) {
            return .skipped([.warning(field: "kind", "\"\(kind)\" is one edit away from \(resource.kind) and was skipped; if it is meant to be a Trustline resource, write kind: \(resource.kind) and apiVersion: \(resource.servedAPIVersions[0])")])
        }
        return .skipped([])
    }

    /// The items of a `kind: ...List` document with an `items` list (kubectl applies each item),
    /// or nil when the document is not a list.
    public static func listItems(_ document: JSONValue) -> [JSONValue]? {
        guard let kind = document["kind"]?.stringValue, kind.hasSuffix("List"), let items = document["items"]?.jsonElements else { return nil }
        return items
    }

    /// Case-insensitively equal, or one insertion, deletion or substitution away.
    static func isNearMiss(_ kind: String, of expected: String) -> Bool {
        kind != expected && (kind.lowercased() == expected.lowercased() || EditDistance.between(kind, expected) == 1)
    }

    static func notAnObject(_ document: JSONValue) -> String {
        switch document {
        case .array:
            return "the document is a YAML list, not a Kubernetes object; write each object as its own document (separated by ---) or wrap them in apiVersion: v1, kind: List, items: [...]"
        default:
            return "the document is a \(document.jsonTypeName), not a Kubernetes object (a mapping with apiVersion, kind, metadata)"
        }
    }
}
