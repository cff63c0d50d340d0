import KubeModels

/// Whether a pod gets AWS credentials injected, and which (docs/pod-identity-webhook.md). Pure:
/// the webhook shell hands in what its cache holds.
///
/// The `WorkloadAwsAccess` the operator lets write the pod's ServiceAccount decides
/// (`ServiceAccountClaim`), with its role ARN derived exactly as the operator derives it
/// (`AccessEvaluation`): a pod admitted before the reconcile has annotated the ServiceAccount is
/// injected all the same. An annotation the operator may not take over stays in force, and a
/// ServiceAccount no resource may write is taken at its annotation's word.
public enum PodIdentityDecision {
    /// - Parameters:
    ///   - namespace: the pod's namespace.
    ///   - serviceAccountName: the pod's `spec.serviceAccountName` (`default` when unset).
    ///   - accesses: `WorkloadAwsAccess` resources; those of other namespaces are ignored.
    ///   - serviceAccount: the ServiceAccount when known; one of another name or namespace is ignored.
    /// - Returns: what to inject, or nil for a pod left alone.
    public static func decide(
        namespace: String, serviceAccountName: String, accesses: [WorkloadAwsAccess], serviceAccount: ServiceAccount?,
        configuration: PodIdentityConfiguration
    ) -> PodIdentityInjection? {
        let account = serviceAccount.flatMap { $0.metadata.namespace == namespace && $0.metadata.name == serviceAccountName ? $0 : nil }
        let claimants = accesses.filter { $0.namespace == namespace && RoleNaming.serviceAccountName(for: $0) == serviceAccountName }
        // The claimant the operator lets write the ServiceAccount, by its own rule: the same one
        // whose role the annotation carries (or soon will). When none may (the annotation is
        // someone else's: ServiceAccountConflict), the annotation stays in force, so it decides.
        let live = claimants.filter { $0.metadata.deletionTimestamp == nil }.sorted(by: ServiceAccountClaim.isOlder)
        for claimant in live {
            guard let access = evaluated(claimant, configuration: configuration) else { continue }
            let ours = Set([access.role.arn, claimant.status?.roleArn].compactMap { $0 }.filter { !$0.isEmpty })
            guard ServiceAccountClaim.decide(for: claimant, claimants: live, serviceAccount: account, ourRoleArns: ours) == .write else {
                continue
            }
            return injection(for: claimant, access: access, configuration: configuration)
        }
        if let account {
            return injection(fromAnnotationsOf: account, region: configuration.region)
        }
        return nil
    }

    private static func evaluated(_ resource: WorkloadAwsAccess, configuration: PodIdentityConfiguration) -> RenderedAccess? {
        guard case .success(let access) = AccessEvaluation.evaluate(resource, settings: configuration.settings, context: configuration.context) else {
            return nil
        }
        return access
    }

    /// A resource that fails validation injects nothing (it is skipped above): the operator
    /// converges no role for it. The role ARN is the derived one, except for a role adopted in
    /// place (`adoptableRoleNames`), which keeps its own path: status names its ARN.
    static func injection(for resource: WorkloadAwsAccess, access: RenderedAccess, configuration: PodIdentityConfiguration) -> PodIdentityInjection {
        var roleArn = access.role.arn
        if let status = resource.status, let recorded = status.roleArn, !recorded.isEmpty,
            status.roleName?.lowercased() == access.role.name.lowercased()
        {
            roleArn = recorded
        }
        return PodIdentityInjection(
            roleArn: roleArn,
            audience: access.audience,
            tokenExpirationSeconds: resource.spec.tokenExpirationSeconds ?? PodIdentityInjection.defaultTokenExpirationSeconds,
            regionalEndpoints: resource.spec.stsRegionalEndpoints ?? false,
            region: configuration.region,
            source: .resource(name: resource.name))
    }

    /// The injection a hand-annotated ServiceAccount asks for, read as the EKS webhook reads it:
    /// audience and lifetime from their annotations when present, a lifetime outside 600..86400
    /// brought into range, one that is no number replaced by the default.
    static func injection(fromAnnotationsOf account: ServiceAccount, region: String?) -> PodIdentityInjection? {
        let annotations = account.metadata.annotations ?? [:]
        guard let roleArn = annotations[ServiceAccountAnnotations.roleArn]?.trimmingWhitespace(), !roleArn.isEmpty else { return nil }
        let audience = annotations[ServiceAccountAnnotations.audience]?.trimmingWhitespace() ?? ""
        let range = PodIdentityInjection.tokenExpirationRange
        let seconds = annotations[ServiceAccountAnnotations.tokenExpiration].flatMap { Int($0.trimmingWhitespace()) }
            .map { min(max($0, range.lowerBound), range.upperBound) }
        return PodIdentityInjection(
            roleArn: roleArn,
            audience: audience.isEmpty ? WorkloadAwsAccessSpec.defaultAudience : audience,
            tokenExpirationSeconds: seconds ?? PodIdentityInjection.defaultTokenExpirationSeconds,
            regionalEndpoints: annotations[ServiceAccountAnnotations.stsRegionalEndpoints]?.trimmingWhitespace() == "true",
            region: region,
            source: .serviceAccountAnnotation)
    }
}
