import KubeModels

/// Which pod `trustline verify` checks for a ServiceAccount: the newest one that is not being
/// deleted, a Running one before any other (it is what serves traffic), then a Pending one (not
/// started, but its spec is already what the webhook wrote at creation), then any other phase.
public enum PodInjectionTarget {
    /// The pod to check among `pods` (any namespace's; only those of `namespace` running as
    /// `serviceAccountName` count), or nil when there is none.
    public static func choose(from pods: [Pod], namespace: String, serviceAccountName: String) -> Pod? {
        pods.filter { pod in
            pod.metadata.namespace == namespace && pod.metadata.deletionTimestamp == nil
                && PodIdentityAdmission.serviceAccountName(of: ["spec": pod.spec ?? .object([:])]) == serviceAccountName
        }
        .min(by: isPreferred)
    }

    /// Running, then Pending, then the rest; within a rank the newest (creationTimestamp), then
    /// the name, so the choice is the same on every run.
    static func isPreferred(_ lhs: Pod, _ rhs: Pod) -> Bool {
        let (leftRank, rightRank) = (rank(lhs), rank(rhs))
        if leftRank != rightRank { return leftRank < rightRank }
        let left = lhs.metadata.creationTimestamp.flatMap(KubernetesTime.parse)
        let right = rhs.metadata.creationTimestamp.flatMap(KubernetesTime.parse)
        switch (left, right) {
        case let (leftDate?, rightDate?) where leftDate != rightDate: return leftDate > rightDate
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (lhs.metadata.name ?? "") < (rhs.metadata.name ?? "")
        }
    }

    private static func rank(_ pod: Pod) -> Int {
        switch pod.status?.phase {
        case "Running"?: 0
        case "Pending"?: 1
        default: 2
        }
    }
}
