/// What deleting one resource has to clean up, worked out once from the resource, its last
/// status and the operator's settings (docs/design.md section 4, "Deletion"). Status comes
/// first because it records what a reconcile really did; the spec fills in what status never
/// recorded (a status write lost after a create or a rename).
public struct CleanupTarget: Sendable, Equatable {
    /// The ownership tags a role must carry to be deleted or marked retained.
    public var owner: OwnerIdentity
    /// The role the resource may have: the one status names, else the one a valid spec renders.
    /// Nil when neither: a spec that never validated made no role, and its name may not even be
    /// valid for IAM, so there is nothing to look up.
    public var roleName: String?
    /// The role paths under which roles tagged for this resource are looked for: the spec's and
    /// the operator's.
    public var rolePaths: Set<String>
    /// The ServiceAccounts that may carry the operator's annotations: the one status names (or
    /// the spec's when status names none), then the spec's when it differs (a rename whose status
    /// write never happened gave it our annotations too).
    public var serviceAccountNames: [String]
    /// The annotations the operator set, computed with the role ARN status recorded (else the
    /// one the spec names); a key holding another value was changed by someone else.
    public var serviceAccountAnnotations: [String: String]

    public init(
        owner: OwnerIdentity, roleName: String?, rolePaths: Set<String>, serviceAccountNames: [String],
        serviceAccountAnnotations: [String: String]
    ) {
        self.owner = owner
        self.roleName = roleName
        self.rolePaths = rolePaths
        self.serviceAccountNames = serviceAccountNames
        self.serviceAccountAnnotations = serviceAccountAnnotations
    }

    /// The target for `resource` as it is now.
    public init(of resource: WorkloadAwsAccess, settings: OperatorSettings, context: RenderingContext) {
        let status = resource.status
        var rendered: RenderedAccess?
        if case .success(let access) = AccessEvaluation.evaluate(resource, settings: settings, context: context) { rendered = access }
        let recordedRole = status?.roleName.flatMap { $0.isEmpty ? nil : $0 }
        let named = RoleNaming.serviceAccountName(for: resource)
        let recordedServiceAccount = status?.serviceAccountName ?? named
        self.init(
            owner: OwnerIdentity(of: resource, clusterName: context.clusterName),
            roleName: recordedRole ?? rendered?.role.name,
            rolePaths: [RoleNaming.rolePath(for: resource, defaultPath: context.rolePath), context.rolePath],
            serviceAccountNames: recordedServiceAccount == named ? [named] : [recordedServiceAccount, named],
            serviceAccountAnnotations: ServiceAccountAnnotations.render(
                spec: resource.spec, roleArn: status?.roleArn ?? RoleNaming.roleArn(for: resource, context: context)))
    }
}
