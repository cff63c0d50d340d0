import KubeModels

/// The ServiceAccount side of docs/design.md section 2: the object the operator creates (with an
/// ownerReference, so the garbage collector removes it with the resource) and the test of whether
/// an existing one is ours (one we only annotate is never taken over).
public enum ServiceAccountRendering {
    /// Label on ServiceAccounts the operator created, for `kubectl get sa -l`.
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "trustline"

    /// The ownerReference that ties a created ServiceAccount to its resource.
    public static func ownerReference(for resource: WorkloadAwsAccess) -> OwnerReference {
        OwnerReference(
            apiVersion: WorkloadAwsAccess.descriptor.apiVersion, kind: WorkloadAwsAccess.descriptor.kind,
            name: resource.name, uid: resource.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)
    }

    /// The ServiceAccount to create for `resource` (when `spec.serviceAccount.create` is true).
    public static func created(for resource: WorkloadAwsAccess, name: String, annotations: [String: String]) -> ServiceAccount {
        ServiceAccount(
            metadata: ObjectMeta(
                name: name, namespace: resource.namespace, labels: [managedByLabel: managedByValue],
                annotations: annotations, ownerReferences: [ownerReference(for: resource)]))
    }

    /// Whether `serviceAccount` was created by the operator for `resource` (an ownerReference with its uid).
    public static func isOwned(_ serviceAccount: ServiceAccount, by resource: WorkloadAwsAccess) -> Bool {
        guard let uid = resource.metadata.uid, !uid.isEmpty else { return false }
        return (serviceAccount.metadata.ownerReferences ?? []).contains {
            $0.uid == uid && $0.kind == WorkloadAwsAccess.descriptor.kind
        }
    }
}
