/// The ownership tags (docs/design.md section 4 step 4) that mark a role as made by this operator for one
/// resource. A role without them, or with another uid, is someone else's.
public enum OwnershipTags {
    public static let cluster = "trustline.dev/cluster"
    public static let namespace = "trustline.dev/namespace"
    public static let name = "trustline.dev/name"
    public static let uid = "trustline.dev/uid"
    /// Set by a deletion with `deletionPolicy: Retain` on the role it keeps: the orphan sweep
    /// leaves such a role alone although its resource is gone. Not an ownership tag; a later
    /// adoption's tag convergence removes it.
    public static let retained = "trustline.dev/retained"
    /// The reserved prefix; users may not set tags under it.
    public static let reservedPrefix = "trustline.dev/"
    public static let keys = [cluster, namespace, name, uid]

    /// The four ownership tags of a resource.
    public static func tags(clusterName: String, namespace: String, name: String, uid: String) -> [String: String] {
        [cluster: clusterName, self.namespace: namespace, self.name: name, self.uid: uid]
    }

    /// User tags plus ownership tags (ownership wins; validation refuses user keys under the prefix).
    public static func roleTags(for resource: WorkloadAwsAccess, clusterName: String) -> [String: String] {
        var tags = resource.spec.role.tags
        let owner = OwnerIdentity(of: resource, clusterName: clusterName)
        for (key, value) in Self.tags(clusterName: owner.clusterName, namespace: owner.namespace, name: owner.name, uid: owner.uid) {
            tags[key] = value
        }
        return tags
    }
}
