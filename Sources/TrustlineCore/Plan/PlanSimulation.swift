import KubeModels

/// Applies IAM actions to an observed role in memory, as IAM would. It makes the planner's key
/// property testable ("apply the plan, plan again: nothing to do") and backs in-memory IAM fakes.
public enum PlanSimulation {
    /// The role after `actions`; `nil` when it is deleted or was never created. A created role
    /// gets `arnForNewRole` as its ARN (the planner never compares ARNs).
    public static func apply(_ actions: [IAMAction], to observed: ObservedRole?, arnForNewRole: String = "") -> ObservedRole? {
        var role = observed
        for action in actions {
            role = apply(action, to: role, arnForNewRole: arnForNewRole)
        }
        return role
    }

    private static func apply(_ action: IAMAction, to observed: ObservedRole?, arnForNewRole: String) -> ObservedRole? {
        if case .createRole(let request) = action {
            if let observed { return observed }  // EntityAlreadyExists: the role stays as it is.
            return ObservedRole(
                name: request.roleName, path: request.path, arn: arnForNewRole,
                description: request.description.isEmpty ? nil : request.description,
                maxSessionDuration: request.maxSessionDuration, permissionsBoundaryArn: request.permissionsBoundaryArn,
                trustPolicy: request.trustPolicy, tags: request.tags)
        }
        guard var role = observed else { return nil }  // NoSuchEntity
        switch action {
        case .createRole:
            break
        case .updateAssumeRolePolicy(_, let document):
            role.trustPolicy = document
        case .updateRole(_, let description, let duration):
            role.description = description.isEmpty ? nil : description
            role.maxSessionDuration = duration
        case .putRolePermissionsBoundary(_, let arn):
            role.permissionsBoundaryArn = arn
        case .deleteRolePermissionsBoundary:
            role.permissionsBoundaryArn = nil
        case .putRolePolicy(_, let name, let document):
            role.inlinePolicies[name] = document
        case .deleteRolePolicy(_, let name):
            role.inlinePolicies[name] = nil
        case .attachRolePolicy(_, let arn):
            role.attachedManagedPolicyArns.insert(arn)
        case .detachRolePolicy(_, let arn):
            role.attachedManagedPolicyArns.remove(arn)
        case .tagRole(_, let tags):
            for (key, value) in tags {
                for existing in role.tags.keys where existing.lowercased() == key.lowercased() {
                    role.tags[existing] = nil
                }
                role.tags[key] = value
            }
        case .untagRole(_, let keys):
            let lowered = Set(keys.map { $0.lowercased() })
            role.tags = role.tags.filter { !lowered.contains($0.key.lowercased()) }
        case .deleteRole:
            return nil
        }
        return role
    }
}
