import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// What a role lets principals do, as a set of grants, and the planner's safety property over it:
/// no prefix of a plan grants what neither the role before nor the role after the plan grants.
///
/// A grant is (trust policy, permissions boundary, permission). Documents are compared in
/// canonical form and are otherwise opaque: two different trust policies are treated as trusting
/// unrelated principals, and two different boundaries as allowing unrelated permissions, because
/// the planner cannot know more. A permission is an attached managed policy ARN or an inline
/// policy document (its name grants nothing). The one order known without reading documents: no
/// boundary allows at least what any boundary allows. So grant (t, b, p) is covered by a grant
/// (t, b', p) of the before or after role when b' is b or b' is no boundary.
enum RoleGrants {
    enum Permission: Hashable {
        case managed(String)
        case inline(String)
    }

    struct Grant: Hashable {
        var trust: String
        var boundary: String?
        var permission: Permission
    }

    static func grants(of role: ObservedRole?) -> Set<Grant> {
        guard let role else { return [] }
        let trust = PolicyCanonicalizer.compactText(role.trustPolicy)
        var permissions = Set(role.attachedManagedPolicyArns.map(Permission.managed))
        for document in role.inlinePolicies.values {
            permissions.insert(.inline(PolicyCanonicalizer.compactText(document)))
        }
        return Set(permissions.map { Grant(trust: trust, boundary: role.permissionsBoundaryArn, permission: $0) })
    }

    /// The grants of `state` that no grant of `allowed` covers.
    static func uncovered(_ state: Set<Grant>, by allowed: Set<Grant>) -> [Grant] {
        state.filter { grant in
            !allowed.contains { other in
                other.trust == grant.trust && other.permission == grant.permission
                    && (other.boundary == nil || other.boundary == grant.boundary)
            }
        }.sorted { "\($0)" < "\($1)" }
    }

    /// For each prefix of `plan` (after each call), the grants neither end state covers.
    static func violations(plan: [IAMAction], observed: ObservedRole?, arnForNewRole: String) -> [(step: Int, grants: [Grant])] {
        let before = grants(of: observed)
        let after = grants(of: PlanSimulation.apply(plan, to: observed, arnForNewRole: arnForNewRole))
        let allowed = before.union(after)
        var found: [(step: Int, grants: [Grant])] = []
        for step in 1..<(plan.count + 1) {
            let state = PlanSimulation.apply(Array(plan.prefix(step)), to: observed, arnForNewRole: arnForNewRole)
            let extra = uncovered(grants(of: state), by: allowed)
            if !extra.isEmpty { found.append((step, extra)) }
        }
        return found
    }
}

@Suite struct PlanOrderingTests {
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    /// A foreign role tagged for the resource (TaggedOnly adoption): another trust policy and
    /// AdministratorAccess attached.
    static func adoptableRole(_ desired: DesiredRole) -> ObservedRole {
        ObservedRole(
            name: desired.name, path: desired.path, arn: desired.arn, trustPolicy: RoleGenerators.trustB,
            attachedManagedPolicyArns: [admin], tags: desired.tags)
    }

    @Test func adoptionDetachesBeforeItOpensTrust() {
        let desired = PlannerTests.desired
        let plan = RolePlanner.plan(desired: desired, observed: Self.adoptableRole(desired))
        #expect(plan.map(\.apiName) == ["DetachRolePolicy", "UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy"])
        #expect(plan.first == .detachRolePolicy(roleName: desired.name, policyArn: Self.admin))
        #expect(RoleGrants.violations(plan: plan, observed: Self.adoptableRole(desired), arnForNewRole: desired.arn).isEmpty)
    }

    struct OrderingCase: Sendable, CustomTestStringConvertible {
        var label: String
        var calls: [String]
        var change: @Sendable (inout ObservedRole) -> Void
        var testDescription: String { label }
    }

    static let boundary1 = "arn:aws:iam::123456789012:policy/b1"
    static let boundary2 = "arn:aws:iam::123456789012:policy/b2"

    /// Observed roles differing from `PlannerTests.desired` (no boundary unless the case sets
    /// one on the desired side) in ways that need each ordering rule.
    static let cases: [OrderingCase] = [
        OrderingCase(label: "changed document, same trust: replaced in place", calls: ["PutRolePolicy"]) { role in
            role.inlinePolicies["s3-access"] = RoleGenerators.document(1)
        },
        OrderingCase(label: "changed document and new trust: old deleted first, new put after trust",
                     calls: ["DeleteRolePolicy", "UpdateAssumeRolePolicy", "PutRolePolicy"]) { role in
            role.inlinePolicies["s3-access"] = RoleGenerators.document(1)
            role.trustPolicy = RoleGenerators.trustB
        },
        OrderingCase(label: "boundary to remove with new trust: removed after trust",
                     calls: ["UpdateAssumeRolePolicy", "DeleteRolePermissionsBoundary"]) { role in
            role.permissionsBoundaryArn = boundary1
            role.trustPolicy = RoleGenerators.trustB
        },
    ]

    @Test(arguments: cases)
    func eachRuleKeepsEveryStepCovered(_ testCase: OrderingCase) {
        let desired = PlannerTests.desired
        var observed = PlannerTests.converged()
        testCase.change(&observed)
        let plan = RolePlanner.plan(desired: desired, observed: observed)
        #expect(plan.map(\.apiName) == testCase.calls)
        #expect(RoleGrants.violations(plan: plan, observed: observed, arnForNewRole: desired.arn).isEmpty)
        #expect(RolePlanner.plan(desired: desired, observed: PlanSimulation.apply(plan, to: observed)) == [])
    }

    @Test func boundaryReplacedUnderNewTrustStripsSharedPermissionsFirst() {
        var desired = PlannerTests.desired
        desired.permissionsBoundaryArn = Self.boundary2
        var observed = PlannerTests.converged()
        observed.permissionsBoundaryArn = Self.boundary1
        observed.trustPolicy = RoleGenerators.trustB
        let plan = RolePlanner.plan(desired: desired, observed: observed)
        #expect(plan.map(\.apiName) == [
            "DetachRolePolicy", "DeleteRolePolicy", "PutRolePermissionsBoundary", "UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy",
        ])
        #expect(RoleGrants.violations(plan: plan, observed: observed, arnForNewRole: desired.arn).isEmpty)
        // Only the boundary changes: swapped at the narrowest point, nothing stripped.
        observed.trustPolicy = desired.trustPolicy
        #expect(RolePlanner.plan(desired: desired, observed: observed).map(\.apiName) == ["PutRolePermissionsBoundary"])
    }

    /// The checker itself catches the order the planner used before (trust first, then detach).
    @Test func trustFirstOrderIsCaught() {
        let desired = PlannerTests.desired
        let observed = Self.adoptableRole(desired)
        let unsafe: [IAMAction] = [
            .updateAssumeRolePolicy(roleName: desired.name, document: desired.trustPolicy),
            .detachRolePolicy(roleName: desired.name, policyArn: Self.admin),
        ]
        let found = RoleGrants.violations(plan: unsafe, observed: observed, arnForNewRole: desired.arn)
        #expect(found.map(\.step) == [1])
        #expect(found.first?.grants.map(\.permission) == [.managed(Self.admin)])
    }

    @Test func noStepOfAnyPlanGrantsMoreThanBeforeOrAfter() async {
        await propertyCheck(count: 1000, input: RoleGenerators.desiredAndObserved) { pair in
            var (desired, observed) = pair
            // Vary the desired trust too, so both directions of a trust change are drawn.
            if desired.maxSessionDuration == 7200 { desired.trustPolicy = RoleGenerators.trustB }
            let plan = RolePlanner.plan(desired: desired, observed: observed)
            let found = RoleGrants.violations(plan: plan, observed: observed, arnForNewRole: desired.arn)
            #expect(found.isEmpty, "plan \(plan.map(\.summary)) grants \(found)")
            let after = RolePlanner.apply(plan, to: observed, arnForNewRole: desired.arn)
            #expect(RolePlanner.plan(desired: desired, observed: after) == [])
        }
    }
}
