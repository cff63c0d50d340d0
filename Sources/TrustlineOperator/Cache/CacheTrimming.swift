import KubeModels
import TrustlineCore

/// What the watch caches keep of each object (the reflectors' transform): only what the
/// reconciler, the claims index and the change filters read, with the values many objects
/// repeat held once (`SharedValueTable`). At 10,000 resources each field dropped or shared here
/// is saved 10,000 times (README, "Converging N resources").
///
/// Nothing trimmed is ever written back: ServiceAccounts are only merge-patched, and the status
/// PUT of a resource changes nothing but `status` (the API server keeps the stored rest).
struct CacheTrimming: Sendable {
    /// `kubectl apply`'s copy of the whole object as last applied: as large as the object itself,
    /// and read by nothing here.
    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    let shared: SharedValueTable

    init(sharing shared: SharedValueTable = SharedValueTable()) {
        self.shared = shared
    }

    /// A ServiceAccount as the operator reads it: its metadata, nothing of `secrets`,
    /// `imagePullSecrets` or `automountServiceAccountToken`. A metadata-only cache without
    /// asking the API server for `PartialObjectMetadata`: the decoder already drops
    /// `managedFields` and every field the model does not name.
    func serviceAccount(_ account: ServiceAccount) -> ServiceAccount {
        ServiceAccount(metadata: metadata(account.metadata))
    }

    /// A WorkloadAwsAccess whole (the reconciler reads spec and status), its metadata trimmed
    /// and its repeated values shared.
    func resource(_ resource: WorkloadAwsAccess) -> WorkloadAwsAccess {
        var kept = resource
        kept.apiVersion = shared.shared(resource.apiVersion)
        kept.kind = shared.shared(resource.kind)
        kept.metadata = metadata(resource.metadata)
        kept.spec.audience = shared.shared(resource.spec.audience)
        kept.spec.managedPolicyArns = shared.shared(resource.spec.managedPolicyArns)
        kept.spec.role.path = shared.shared(resource.spec.role.path)
        kept.spec.role.description = shared.shared(resource.spec.role.description)
        kept.spec.role.tags = shared.shared(resource.spec.role.tags)
        if var status = resource.status {
            status.oidcProviderArn = shared.shared(status.oidcProviderArn)
            status.conditions = status.conditions.map(condition)
            kept.status = status
        }
        return kept
    }

    /// Metadata without the last-applied annotation (and without an annotations map it left
    /// empty), the repeated parts shared. Name, namespace and uid are the object's own.
    func metadata(_ metadata: ObjectMeta) -> ObjectMeta {
        var kept = metadata
        if var annotations = metadata.annotations, annotations[Self.lastAppliedAnnotation] != nil {
            annotations[Self.lastAppliedAnnotation] = nil
            kept.annotations = annotations.isEmpty ? nil : annotations
        }
        kept.annotations = shared.shared(kept.annotations)
        kept.labels = shared.shared(metadata.labels)
        kept.finalizers = shared.shared(metadata.finalizers)
        kept.creationTimestamp = shared.shared(metadata.creationTimestamp)
        kept.ownerReferences = metadata.ownerReferences?.map { owner in
            var owner = owner
            owner.apiVersion = shared.shared(owner.apiVersion)
            owner.kind = shared.shared(owner.kind)
            return owner
        }
        return kept
    }

    private func condition(_ condition: Condition) -> Condition {
        var kept = condition
        kept.type = shared.shared(condition.type)
        kept.reason = shared.shared(condition.reason)
        kept.message = shared.shared(condition.message)
        kept.lastTransitionTime = shared.shared(condition.lastTransitionTime)
        return kept
    }
}
