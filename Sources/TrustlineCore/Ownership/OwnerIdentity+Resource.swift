/// The one place a resource's owner identity is worked out, so rendering (the tags CreateRole
/// writes) and deletion (the tags a role must carry to be deleted) can never disagree.
extension OwnerIdentity {
    /// The identity the ownership tags record for `resource` in cluster `clusterName`; a resource
    /// not yet given a uid by the API server has the empty uid.
    public init(of resource: WorkloadAwsAccess, clusterName: String) {
        self.init(clusterName: clusterName, namespace: resource.namespace, name: resource.name, uid: resource.metadata.uid ?? "")
    }
}
