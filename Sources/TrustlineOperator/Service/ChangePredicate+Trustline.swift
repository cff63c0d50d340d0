import ControllerRuntime

extension ChangePredicate {
    /// The changes of a WorkloadAwsAccess worth a reconcile: a new object under the same name,
    /// the spec (generation), deletion starting, labels and annotations. The status is not among
    /// them, so the operator's own status writes do not enqueue the resource again.
    static let workloadAwsAccessChanges = ChangePredicate.any([
        .recreated, .generationChanged, .deletionStarted, .labelsChanged, .annotationsChanged,
    ])

    /// The changes of a ServiceAccount the operator converges: its annotations and its owners
    /// (and a new object under the same name). Anything else a ServiceAccount carries (secrets,
    /// labels, image pull secrets) is not the operator's business.
    static let serviceAccountChanges = ChangePredicate.any([.recreated, .annotationsChanged, .ownersChanged])
}
