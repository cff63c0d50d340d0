import KubeModels

/// Renders the role a valid resource should have: name, path, ARN, trust policy for the
/// resource's own namespace, policies and tags (docs/design.md sections 2 and 4 step 2).
public enum DesiredRoleRenderer {
    /// The desired role; call after `SpecValidator` found nothing.
    public static func render(_ resource: WorkloadAwsAccess, context: RenderingContext) -> DesiredRole {
        let name = RoleNaming.roleName(for: resource, clusterName: context.clusterName)
        let path = RoleNaming.rolePath(for: resource, defaultPath: context.rolePath)
        var inline: [String: JSONValue] = [:]
        for policy in resource.spec.inlinePolicies {
            inline[policy.name] = policy.document
        }
        return DesiredRole(
            name: name, path: path,
            arn: RoleNaming.roleArn(for: resource, context: context),
            description: resource.spec.role.description,
            maxSessionDuration: resource.spec.role.maxSessionDurationSeconds,
            permissionsBoundaryArn: context.permissionsBoundaryArn,
            trustPolicy: TrustPolicy.document(for: resource, context: context),
            inlinePolicies: inline,
            managedPolicyArns: Set(resource.spec.managedPolicyArns),
            tags: OwnershipTags.roleTags(for: resource, clusterName: context.clusterName))
    }
}
