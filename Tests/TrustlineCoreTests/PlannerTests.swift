import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

@Suite struct PlannerTests {
    static let desired = DesiredRoleRenderer.render(Fixtures.myApp(), context: Fixtures.context)

    /// The desired role as IAM would hold it after a clean create.
    static func converged() -> ObservedRole {
        ObservedRole(
            name: desired.name, path: desired.path, arn: desired.arn, description: nil, maxSessionDuration: 3600,
            trustPolicy: desired.trustPolicy, inlinePolicies: desired.inlinePolicies,
            attachedManagedPolicyArns: desired.managedPolicyArns, tags: desired.tags)
    }

    @Test func createPlanIsOneCallPerThing() {
        let plan = RolePlanner.plan(desired: Self.desired, observed: nil)
        #expect(plan.map(\.apiName) == ["CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        guard case .createRole(let request) = plan.first else {
            Issue.record("first action is not CreateRole")
            return
        }
        #expect(request.path == "/trustline/")
        #expect(request.tags == Self.desired.tags)
        #expect(request.maxSessionDuration == 3600)
        #expect(request.trustPolicy == Self.desired.trustPolicy)
    }

    @Test func steadyStateMakesNoCalls() throws {
        #expect(RolePlanner.plan(desired: Self.desired, observed: Self.converged()) == [])
        // Documents as IAM returns them: URL-encoded, reformatted, single values wrapped.
        var observed = Self.converged()
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Resource%22%3A%5B%22arn%3Aaws%3As3%3A%3A%3Amy-bucket%2F%2A%22%2C%22arn%3Aaws%3As3%3A%3A%3Amy-bucket%22%5D%2C%22Action%22%3A%5B%22s3%3AListBucket%22%2C%22s3%3AGetObject%22%2C%22s3%3APutObject%22%5D%7D%5D%7D"
        observed.inlinePolicies["s3-access"] = try PolicyCanonicalizer.parse(encoded)
        observed.tags = Dictionary(uniqueKeysWithValues: observed.tags.map { ($0.key == "team" ? "Team" : $0.key, $0.value) })
        #expect(RolePlanner.plan(desired: Self.desired, observed: observed) == [])
    }

    struct DriftCase: Sendable, CustomTestStringConvertible {
        var label: String
        var calls: [String]
        var drift: @Sendable (inout ObservedRole) -> Void
        var testDescription: String { label }
    }

    static let driftCases: [DriftCase] = [
        DriftCase(label: "trust widened to a wildcard", calls: ["UpdateAssumeRolePolicy"]) { role in
            role.trustPolicy = ["Version": "2012-10-17", "Statement": ["Effect": "Allow", "Principal": ["Federated": "*"], "Action": "sts:AssumeRoleWithWebIdentity"]]
        },
        DriftCase(label: "AdministratorAccess attached", calls: ["DetachRolePolicy"]) { $0.attachedManagedPolicyArns.insert("arn:aws:iam::aws:policy/AdministratorAccess") },
        DriftCase(label: "managed policy detached", calls: ["AttachRolePolicy"]) { $0.attachedManagedPolicyArns = [] },
        DriftCase(label: "tag removed", calls: ["TagRole"]) { $0.tags["team"] = nil },
        DriftCase(label: "tag added", calls: ["UntagRole"]) { $0.tags["extra"] = "x" },
        DriftCase(label: "two tags changed", calls: ["TagRole"]) { role in
            role.tags["team"] = "other"
            role.tags["trustline.dev/uid"] = nil
        },
        DriftCase(label: "inline policy edited", calls: ["PutRolePolicy"]) { $0.inlinePolicies["s3-access"] = ["Version": "2012-10-17", "Statement": []] },
        DriftCase(label: "extra inline policy", calls: ["DeleteRolePolicy"]) { $0.inlinePolicies["backdoor"] = Fixtures.s3Document },
        DriftCase(label: "description changed", calls: ["UpdateRole"]) { $0.description = "changed" },
        DriftCase(label: "duration changed", calls: ["UpdateRole"]) { $0.maxSessionDuration = 43200 },
        DriftCase(label: "boundary added", calls: ["DeleteRolePermissionsBoundary"]) { $0.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/x" },
        DriftCase(label: "everything at once, in safe order", calls: ["DetachRolePolicy", "DeleteRolePolicy", "UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy", "UpdateRole", "UntagRole", "TagRole"]) { role in
            role.trustPolicy = ["Version": "2012-10-17"]
            role.attachedManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
            role.inlinePolicies = ["old": Fixtures.s3Document]
            role.description = "x"
            role.tags = ["extra": "1"]
        },
        DriftCase(label: "path changed means recreate", calls: ["DetachRolePolicy", "DeleteRolePolicy", "DeleteRole", "CreateRole", "PutRolePolicy", "AttachRolePolicy"]) { $0.path = "/old/" },
    ]

    @Test(arguments: driftCases)
    func driftIsCorrectedWithTheFewestCalls(_ testCase: DriftCase) {
        var observed = Self.converged()
        testCase.drift(&observed)
        let plan = RolePlanner.plan(desired: Self.desired, observed: observed)
        #expect(plan.map(\.apiName) == testCase.calls)
        let after = PlanSimulation.apply(plan, to: observed)
        #expect(RolePlanner.plan(desired: Self.desired, observed: after) == [])
        #expect(plan.allSatisfy { !$0.summary.isEmpty && $0.roleName == Self.desired.name })
        #expect(!RoleDiff.compute(desired: Self.desired, observed: observed).descriptions.isEmpty)
    }

    @Test func updateRoleAlwaysSendsBothFields() {
        var observed = Self.converged()
        observed.maxSessionDuration = 7200
        let plan = RolePlanner.plan(desired: Self.desired, observed: observed)
        #expect(plan == [.updateRole(roleName: Self.desired.name, description: "", maxSessionDuration: 3600)])
    }

    @Test func boundaryIsSetBeforePolicies() {
        var desired = Self.desired
        desired.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/b"
        var observed = Self.converged()
        observed.inlinePolicies = [:]
        let plan = RolePlanner.plan(desired: desired, observed: observed)
        #expect(plan.map(\.apiName) == ["PutRolePermissionsBoundary", "PutRolePolicy"])
    }

    @Test func deletionPlanDetachesAndDeletesBeforeDeletingTheRole() {
        var observed = Self.converged()
        observed.inlinePolicies["second"] = Fixtures.s3Document
        let plan = RolePlanner.deletionPlan(observed: observed)
        #expect(plan.map(\.apiName) == ["DetachRolePolicy", "DeleteRolePolicy", "DeleteRolePolicy", "DeleteRole"])
        #expect(PlanSimulation.apply(plan, to: observed) == nil)
        #expect(RolePlanner.deletionPlan(observed: nil) == [])
    }

    @Test func summariesNameWhatIsDone() {
        #expect(IAMAction.attachRolePolicy(roleName: "r", policyArn: "arn:x").summary == "attach managed policy arn:x to role r")
        #expect(IAMAction.tagRole(roleName: "r", tags: ["b": "2", "a": "1"]).summary == "tag role r with a=1, b=2")
        #expect(IAMAction.untagRole(roleName: "r", keys: ["z", "y"]).summary == "remove tags y, z from role r")
    }

    @Test func applyingThePlanThenPlanningAgainIsEmpty() async {
        await propertyCheck(count: 500, input: RoleGenerators.desiredAndObserved) { pair in
            let (desired, observed) = pair
            let plan = RolePlanner.plan(desired: desired, observed: observed)
            let after = RolePlanner.apply(plan, to: observed, arnForNewRole: desired.arn)
            #expect(after != nil)
            #expect(RolePlanner.plan(desired: desired, observed: after) == [], "plan \(plan.map(\.summary))")
            #expect(RoleDiff.compute(desired: desired, observed: after).isEmpty)
            // Never more than one TagRole or UntagRole, never an UpdateRole twice.
            #expect(plan.filter { $0.apiName == "TagRole" }.count <= 1)
            #expect(plan.filter { $0.apiName == "UntagRole" }.count <= 1)
            #expect(plan.filter { $0.apiName == "UpdateRole" }.count <= 1)
        }
    }

    @Test func planIsEmptyExactlyWhenTheDiffIs() async {
        await propertyCheck(count: 300, input: RoleGenerators.desiredAndObserved) { pair in
            let plan = RolePlanner.plan(desired: pair.0, observed: pair.1)
            #expect(plan.isEmpty == RoleDiff.compute(desired: pair.0, observed: pair.1).isEmpty)
        }
    }
}
