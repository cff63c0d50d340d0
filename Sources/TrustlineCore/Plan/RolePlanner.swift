import KubeModels

/// Turns desired and observed state into the fewest IAM write calls, in a safe order. Pure:
/// the reconciler observes, calls `plan`, executes the actions and observes again next time.
///
/// Order for an existing role: remove permissions the spec does not list, then change trust, then
/// add permissions, so no moment of the plan grants more than the role before or after it (see
/// `updatePlan`); role attributes; tag removals before tag additions. The reconciler stops at the
/// first failed call, so a failed removal never leaves the new trust with the old permissions.
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

    /// Three phases, so that no moment of the plan lets a principal use a permission that neither
    /// the observed nor the desired role lets it use (docs/plan-ordering.md reasons it out):
    /// 1. narrow: detach and delete what the spec does not list, set a boundary where none was;
    /// 2. swap: replace the boundary, then the trust policy;
    /// 3. widen: put and attach what is missing, remove a boundary the spec does not want.
    /// A changed inline document is one PutRolePolicy in phase 3 when phase 2 is empty; otherwise
    /// its old version is deleted in phase 1, so the swap never runs with a document that belongs
    /// to only one side. When both the trust policy and the boundary are replaced, no boundary can
    /// be assumed narrower than the other, so phase 1 also removes the permissions both sides
    /// share and phase 3 restores them. Removals before additions also keep IAM's per-role
    /// policy count and size quotas from being exceeded mid-plan. Attributes and tags come last.
    private static func updatePlan(desired: DesiredRole, observed: ObservedRole, diff: RoleDiff) -> [IAMAction] {
        let role = observed.name
        let boundaryReplaced = observed.permissionsBoundaryArn != nil && desired.permissionsBoundaryArn != nil && diff.boundary != nil
        let swapsSomething = diff.trustPolicyChanged || boundaryReplaced
        let stripsSharedPermissions = diff.trustPolicyChanged && boundaryReplaced
        var managedToDetach = Set(diff.managedPoliciesToDetach)
        var managedToAttach = Set(diff.managedPoliciesToAttach)
        var inlineToDelete = Set(diff.inlinePoliciesToDelete)
        var inlineToPut = Set(diff.inlinePoliciesToPut)
        if swapsSomething {
            inlineToDelete.formUnion(inlineToPut.filter { observed.inlinePolicies[$0] != nil })
        }
        if stripsSharedPermissions {
            let sharedManaged = observed.attachedManagedPolicyArns.intersection(desired.managedPolicyArns)
            managedToDetach.formUnion(sharedManaged)
            managedToAttach.formUnion(sharedManaged)
            let sharedInline = Set(observed.inlinePolicies.keys).intersection(desired.inlinePolicies.keys)
            inlineToDelete.formUnion(sharedInline)
            inlineToPut.formUnion(sharedInline)
        }

        var actions: [IAMAction] = []
        // Phase 1: narrow.
        for arn in managedToDetach.sorted() {
            actions.append(.detachRolePolicy(roleName: role, policyArn: arn))
        }
        for name in inlineToDelete.sorted() {
            actions.append(.deleteRolePolicy(roleName: role, policyName: name))
        }
        if case .set(let arn)? = diff.boundary, observed.permissionsBoundaryArn == nil {
            actions.append(.putRolePermissionsBoundary(roleName: role, boundaryArn: arn))
        }
        // Phase 2: swap.
        if case .set(let arn)? = diff.boundary, boundaryReplaced {
            actions.append(.putRolePermissionsBoundary(roleName: role, boundaryArn: arn))
        }
        if diff.trustPolicyChanged {
            actions.append(.updateAssumeRolePolicy(roleName: role, document: desired.trustPolicy))
        }
        // Phase 3: widen.
        for name in inlineToPut.sorted() {
            if let document = desired.inlinePolicies[name] {
                actions.append(.putRolePolicy(roleName: role, policyName: name, document: document))
            }
        }
        for arn in managedToAttach.sorted() {
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
