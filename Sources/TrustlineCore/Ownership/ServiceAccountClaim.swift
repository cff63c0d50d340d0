import KubeModels

/// Who may write a ServiceAccount's `eks.amazonaws.com/role-arn` (docs/design.md section 5,
/// `ServiceAccountConflict`). Two resources naming one ServiceAccount would otherwise take turns
/// rewriting the annotation forever (issue 12), and an annotation someone else set (by hand,
/// eksctl, Terraform) would be overwritten. Pure: the operator reads the claimants from its cache
/// and the ServiceAccount from the cache or the API server, and acts on the decision.
///
/// The rule, in order:
/// 1. A ServiceAccount the operator created for a resource (its ownerReference) belongs to that
///    resource: every other claimant is in conflict.
/// 2. Otherwise the oldest live claimant wins (creationTimestamp, then name); a claimant being
///    deleted no longer claims, so the next one takes over once the winner's cleanup removed its
///    annotation.
/// 3. Even the winner writes only over an empty annotation, one holding a role ARN of this
///    resource (the current one or the one status recorded), or one holding the role ARN another
///    claimant's status names (a younger claimant that held it before the winner named this
///    ServiceAccount): any other value is someone else's.
public enum ServiceAccountClaim {
    /// What the resource may do with the ServiceAccount.
    public enum Decision: Sendable, Equatable {
        /// Write (create or annotate) the ServiceAccount.
        case write
        /// Leave it as it is; `message` names the holder and says how to hand it over.
        case conflict(message: String)
    }

    /// - Parameters:
    ///   - resource: the resource being reconciled.
    ///   - claimants: the resources in its namespace naming the same ServiceAccount, in any order;
    ///     `resource` itself may be among them or not.
    ///   - serviceAccount: the ServiceAccount as it is now, nil when it does not exist.
    ///   - ourRoleArns: the role ARNs this resource's annotation may hold (the rendered one and the
    ///     one status names from before a rename).
    public static func decide(
        for resource: WorkloadAwsAccess, claimants: [WorkloadAwsAccess], serviceAccount: ServiceAccount?, ourRoleArns: Set<String>
    ) -> Decision {
        let namespace = resource.namespace
        let accountName = serviceAccount?.metadata.name ?? RoleNaming.serviceAccountName(for: resource)
        let place = "ServiceAccount \(namespace)/\(accountName)"
        if let serviceAccount {
            let kind = WorkloadAwsAccess.descriptor.kind
            let owners = (serviceAccount.metadata.ownerReferences ?? []).filter { $0.kind == kind }
            if let uid = resource.metadata.uid, !uid.isEmpty, owners.contains(where: { $0.uid == uid }) {
                return .write
            }
            if let creator = owners.first {
                return .conflict(
                    message: "\(place) was created for WorkloadAwsAccess \(creator.name) and carries its role; this resource writes nothing to it. Point spec.serviceAccount.name at another ServiceAccount, or delete \(creator.name)")
            }
        }
        if let winner = oldestClaimant(claimants + [resource]), !isSame(winner, resource) {
            return .conflict(
                message: "\(place) is claimed by WorkloadAwsAccess \(winner.name), which is older (the oldest claim wins); this resource writes nothing to it. Point spec.serviceAccount.name at another ServiceAccount, or delete \(winner.name) and this resource takes over")
        }
        let current = serviceAccount?.metadata.annotations?[ServiceAccountAnnotations.roleArn] ?? ""
        let claimantArns = Set(claimants.compactMap { $0.status?.roleArn }.filter { !$0.isEmpty })
        if !current.isEmpty, !ourRoleArns.contains(current), !claimantArns.contains(current) {
            return .conflict(
                message: "\(place) already carries \(ServiceAccountAnnotations.roleArn)=\(current), which is not this resource's role (set by hand, by eksctl or another tool); it is left as it is. To hand it over, remove the annotation: kubectl annotate serviceaccount -n \(namespace) \(accountName) \(ServiceAccountAnnotations.roleArn)-")
        }
        return .write
    }

    /// The live claimant that wins: the oldest (`isOlder`).
    public static func oldestClaimant(_ claimants: [WorkloadAwsAccess]) -> WorkloadAwsAccess? {
        claimants.filter { $0.metadata.deletionTimestamp == nil }.sorted(by: isOlder).first
    }

    /// Oldest first: by creationTimestamp, then by name. A resource without a readable timestamp
    /// (not stored yet) counts as the newest: it cannot prove it came first. The one ordering of
    /// claims, used by the reconciler and the watch cache alike.
    public static func isOlder(_ lhs: WorkloadAwsAccess, _ rhs: WorkloadAwsAccess) -> Bool {
        let left = lhs.metadata.creationTimestamp.flatMap(KubernetesTime.parse)
        let right = rhs.metadata.creationTimestamp.flatMap(KubernetesTime.parse)
        switch (left, right) {
        case let (leftDate?, rightDate?) where leftDate != rightDate: return leftDate < rightDate
        case (.some, nil): return true
        case (nil, .some): return false
        default: return lhs.name < rhs.name
        }
    }

    private static func isSame(_ lhs: WorkloadAwsAccess, _ rhs: WorkloadAwsAccess) -> Bool {
        if let left = lhs.metadata.uid, let right = rhs.metadata.uid, !left.isEmpty, !right.isEmpty { return left == right }
        return lhs.name == rhs.name
    }
}
