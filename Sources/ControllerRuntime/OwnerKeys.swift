import KubeModels

/// Maps a dependent object to the keys of its owners through `metadata.ownerReferences`.
public enum OwnerKeys {
    /// Owners of kind `ownerKind`, matched on API group and kind (any version, as the API
    /// server converts between versions). Owner references are namespace-local, so the owner's
    /// namespace is the dependent's; a cluster-scoped owner gets no namespace. With
    /// `onlyController`, only the reference marked `controller: true` counts.
    public static func keys(of dependent: ObjectMeta, ownerKind: ResourceDescriptor, onlyController: Bool = false) -> [ObjectKey] {
        var seen: Set<ObjectKey> = []
        var keys: [ObjectKey] = []
        for reference in dependent.ownerReferences ?? [] {
            guard reference.kind == ownerKind.kind, group(of: reference.apiVersion) == ownerKind.group,
                !reference.name.isEmpty
            else { continue }
            if onlyController && reference.controller != true { continue }
            let key = ObjectKey(namespace: ownerKind.namespaced ? dependent.namespace : nil, name: reference.name)
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    /// The group of an `apiVersion`: empty for the core `v1`.
    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.lastIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}
