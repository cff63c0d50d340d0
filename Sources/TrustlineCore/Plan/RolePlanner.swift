import KubeModels

/// Turns desired and observed state into the fewest IAM write calls, in a safe order. Pure:
/// the reconciler observes, calls `plan`, executes the actions and observes again next time.
///
/// Order for an existing role: trust policy first and boundary additions next (narrow first), then
/// removals before additions (detach, delete inline, then put, attach), so IAM's per-role counts
/// and sizes are never exceeded mid-plan; role attributes; tag removals before tag additions.
public enum RolePlanner {
    /// The calls that make `observed` match `desired`; empty when they already match.
    public static func plan(desired: DesiredRole, observed: ObservedRole?) -> [IAMAction] {
        let diff = RoleDiff.compute(desired: desired, observed: observed)
        if diff.roleMissing { return creationPlan(desired) }
        guard let observed else { return creationPlan(desired) }
        if diff.pathChanged { return deletionPlan(observed: observed) + creationPlan(desired) }
        return updatePlan(desired: desired, observed: observed, diff: diff)
    }

    /// The role after executing `actions` against `observed`, simulated in memory (see `PlanSimulation`).
    public static func apply(_ actions: [IAMAction], to observed: ObservedRole?, arnForNewRole: String = "") -> ObservedRole? {
        PlanSimulation.apply(actions, to: observed, arnForNewRole: arnForNewRole)
    }

    /// CreateRole with everything it can carry, then each inline policy and managed attachment.
    public static func creationPlan(_ desired: DesiredRole) -> [IAMAction] {
        var actions: [IAMAction] = [
            .createRole(
                CreateRoleRequest(
                    roleName: desired.name, path: desired.path, trustPolicy: desired.trustPolicy,
                    description: desired.description, maxSessionDuration: desired.maxSessionDuration,
                    permissionsBoundaryArn: desired.permissionsBoundaryArn, tags: desired.tags))
        ]
        for name in desired.inlinePolicies.keys.sorted() {
            if let document = desired.inlinePolicies[name] {
                actions.append(.putRolePolicy(roleName: desired.name, policyName: name, document: document))
            }
        }
        for arn in desired.managedPolicyArns.sorted() {
            actions.append(.attachRolePolicy(roleName: desired.name, policyArn: arn))
        }
        return actions
    }

    /// Detach every managed policy, delete every inline policy, delete the role: DeleteRole fails
    /// with DeleteConflict while policies are attached. Empty when the role is absent.
    public static func deletionPlan(observed: ObservedRole?) -> [IAMAction] {
        guard let observed else { return [] }
        var actions: [IAMAction] = []
        for arn in observed.attachedManagedPolicyArns.sorted() {
            actions.append(.detachRolePolicy(roleName: observed.name, policyArn: arn))
        }
        for name in observed.inlinePolicies.keys.sorted() {
            actions.append(.deleteRolePolicy(roleName: observed.name, policyName: name))
        }
        actions.append(.deleteRole(roleName: observed.name))
        return actions
    }

    private static func updatePlan(desired: DesiredRole, observed: ObservedRole, diff: RoleDiff) -> [IAMAction] {
        let role = observed.name
        var actions: [IAMAction] = []
        if diff.trustPolicyChanged {
            actions.append(.updateAssumeRolePolicy(roleName: role, document: desired.trustPolicy))
        }
        if case .set(let arn)? = diff.boundary {
            actions.append(.putRolePermissionsBoundary(roleName: role, boundaryArn: arn))
        }
        for arn in diff.managedPoliciesToDetach {
            actions.append(.detachRolePolicy(roleName: role, policyArn: arn))
        }
        for name in diff.inlinePoliciesToDelete {
            actions.append(.deleteRolePolicy(roleName: role, policyName: name))
        }
        for name in diff.inlinePoliciesToPut {
            if let document = desired.inlinePolicies[name] {
                actions.append(.putRolePolicy(roleName: role, policyName: name, document: document))
            }
        }
        for arn in diff.managedPoliciesToAttach {
            actions.append(.attachRolePolicy(roleName: role, policyArn: arn))
        }
        if case .remove? = diff.boundary {
            actions.append(.deleteRolePermissionsBoundary(roleName: role))
        }
        if diff.roleAttributesChanged {
            actions.append(.updateRole(roleName: role, description: desired.description, maxSessionDuration: desired.maxSessionDuration))
        }
        if !diff.tagKeysToRemove.isEmpty {
            actions.append(.untagRole(roleName: role, keys: diff.tagKeysToRemove))
        }
        if !diff.tagsToSet.isEmpty {
            actions.append(.tagRole(roleName: role, tags: diff.tagsToSet))
        }
        return actions
    }
}
