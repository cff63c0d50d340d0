/// Step 1 and 2 of a reconcile in one call: validate the resource, and when it passes, render
/// everything the shells converge (role, ServiceAccount name and annotations). `trustline plan`
/// and the reconciler both start here.
public enum AccessEvaluation {
    /// The rendered access, or every reason the resource is refused.
    public static func evaluate(_ resource: WorkloadAwsAccess, settings: OperatorSettings, context: RenderingContext) -> Result<RenderedAccess, SpecRejection> {
        let failures = SpecValidator.validate(resource, settings: settings, context: context)
        guard failures.isEmpty else { return .failure(SpecRejection(failures: failures)) }
        let role = DesiredRoleRenderer.render(resource, context: context)
        return .success(
            RenderedAccess(
                role: role,
                serviceAccountName: RoleNaming.serviceAccountName(for: resource),
                createServiceAccount: resource.spec.serviceAccount.create,
                serviceAccountAnnotations: ServiceAccountAnnotations.render(spec: resource.spec, roleArn: role.arn),
                oidcProviderArn: context.oidcProviderArn,
                audience: resource.spec.audience,
                owner: OwnerIdentity(of: resource, clusterName: context.clusterName)))
    }
}

/// Everything rendered for one valid resource.
public struct RenderedAccess: Sendable, Equatable, Encodable {
    public var role: DesiredRole
    public var serviceAccountName: String
    public var createServiceAccount: Bool
    /// The annotations to set; remove any of `ServiceAccountAnnotations.managedKeys` not in here.
    public var serviceAccountAnnotations: [String: String]
    public var oidcProviderArn: String
    public var audience: String
    public var owner: OwnerIdentity

    public init(role: DesiredRole, serviceAccountName: String, createServiceAccount: Bool, serviceAccountAnnotations: [String: String], oidcProviderArn: String, audience: String, owner: OwnerIdentity) {
        self.role = role
        self.serviceAccountName = serviceAccountName
        self.createServiceAccount = createServiceAccount
        self.serviceAccountAnnotations = serviceAccountAnnotations
        self.oidcProviderArn = oidcProviderArn
        self.audience = audience
        self.owner = owner
    }

    /// The status fields this access reports once its role exists with the rendered ARN
    /// (conditions and observedGeneration are set by `ConditionUpdate`).
    public var statusFields: WorkloadAwsAccessStatus {
        statusFields(roleArn: role.arn)
    }

    /// The status fields this access reports with `roleArn` as the role's ARN: the one IAM
    /// answered (an adopted role keeps its own path), or, before IAM was asked, whatever status
    /// held, since the rendered ARN is not known to exist yet.
    public func statusFields(roleArn: String?) -> WorkloadAwsAccessStatus {
        WorkloadAwsAccessStatus(roleArn: roleArn, roleName: role.name, serviceAccountName: serviceAccountName, oidcProviderArn: oidcProviderArn)
    }
}
