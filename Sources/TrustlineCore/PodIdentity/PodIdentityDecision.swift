import KubeModels

/// Whether a pod gets AWS credentials injected, and which (docs/pod-identity-webhook.md). Pure:
/// the webhook shell hands in what its cache holds.
///
/// The `WorkloadAwsAccess` that claims the pod's ServiceAccount decides, with its role ARN derived
/// exactly as the operator derives it (`AccessEvaluation`). A resource wins over the
/// ServiceAccount's own annotation because the annotation lags behind the resource: it is written
/// by a reconcile after the resource is created or renamed, and a pod admitted in between would
/// otherwise start with no role or the old one. Only a ServiceAccount that no resource claims is
/// taken at its annotation's word.
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
        if let winner = winningClaimant(claimants, serviceAccount: account) {
            return injection(for: winner, configuration: configuration)
        }
        if let account {
            return injection(fromAnnotationsOf: account, region: configuration.region)
        }
        return nil
    }

    /// The claimant whose role the ServiceAccount carries, by the operator's own rule
    /// (`ServiceAccountClaim`): the resource that created the ServiceAccount, else the oldest live one.
    static func winningClaimant(_ claimants: [WorkloadAwsAccess], serviceAccount: ServiceAccount?) -> WorkloadAwsAccess? {
        let live = claimants.filter { $0.metadata.deletionTimestamp == nil }
        let creatorUids = Set(
            (serviceAccount?.metadata.ownerReferences ?? []).filter { $0.kind == WorkloadAwsAccess.descriptor.kind }.map(\.uid))
        if let creator = live.first(where: { resource in resource.metadata.uid.map(creatorUids.contains) ?? false }) {
            return creator
        }
        return ServiceAccountClaim.oldestClaimant(live)
    }

    /// A resource that fails validation injects nothing: the operator converges no role for it,
    /// so a token for the derived ARN could not be exchanged anyway.
    static func injection(for resource: WorkloadAwsAccess, configuration: PodIdentityConfiguration) -> PodIdentityInjection? {
        guard case .success(let access) = AccessEvaluation.evaluate(resource, settings: configuration.settings, context: configuration.context) else {
            return nil
        }
        return PodIdentityInjection(
            roleArn: access.role.arn,
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
