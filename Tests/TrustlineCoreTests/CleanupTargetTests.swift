import KubeModels
import Testing
@testable import TrustlineCore

/// What deleting a resource cleans up, from its status first and its spec second.
@Suite struct CleanupTargetTests {
    static let derivedArn = "arn:aws:iam::123456789012:role/trustline/prod.production.my-app"

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var resource: WorkloadAwsAccess
        var roleName: String?
        var rolePaths: Set<String>
        var serviceAccountNames: [String]
        var annotatedArn: String
        var testDescription: String { label }
    }

    static func myApp(status: WorkloadAwsAccessStatus? = nil, change: (inout WorkloadAwsAccessSpec) -> Void = { _ in }) -> WorkloadAwsAccess {
        var resource = Fixtures.myApp()
        change(&resource.spec)
        resource.status = status
        return resource
    }

    static let cases: [Case] = [
        Case(
            label: "converged: everything from status",
            resource: myApp(status: WorkloadAwsAccessStatus(
                roleArn: "arn:aws:iam::123456789012:role/adopted/legacy", roleName: "legacy", serviceAccountName: "my-app")),
            roleName: "legacy", rolePaths: ["/trustline/"], serviceAccountNames: ["my-app"],
            annotatedArn: "arn:aws:iam::123456789012:role/adopted/legacy"),
        Case(
            label: "status never written: the rendered role and ARN",
            resource: myApp(),
            roleName: "prod.production.my-app", rolePaths: ["/trustline/"], serviceAccountNames: ["my-app"], annotatedArn: derivedArn),
        Case(
            label: "status with an empty role name: the rendered role",
            resource: myApp(status: WorkloadAwsAccessStatus(roleName: "")),
            roleName: "prod.production.my-app", rolePaths: ["/trustline/"], serviceAccountNames: ["my-app"], annotatedArn: derivedArn),
        Case(
            label: "spec never validated: no role at all",
            resource: myApp { $0.role.name = "not a valid role name!" },
            roleName: nil, rolePaths: ["/trustline/"], serviceAccountNames: ["my-app"],
            annotatedArn: "arn:aws:iam::123456789012:role/trustline/not a valid role name!"),
        Case(
            label: "ServiceAccount renamed before status recorded it: both",
            resource: myApp(status: WorkloadAwsAccessStatus(roleName: "prod.production.my-app", serviceAccountName: "old-sa")),
            roleName: "prod.production.my-app", rolePaths: ["/trustline/"], serviceAccountNames: ["old-sa", "my-app"], annotatedArn: derivedArn),
        Case(
            label: "explicit path: both paths are searched",
            resource: myApp { $0.role.path = "/team-a/" },
            roleName: "prod.production.my-app", rolePaths: ["/team-a/", "/trustline/"], serviceAccountNames: ["my-app"],
            annotatedArn: "arn:aws:iam::123456789012:role/team-a/prod.production.my-app"),
    ]

    @Test(arguments: cases)
    func target(_ testCase: Case) {
        let target = CleanupTarget(of: testCase.resource, settings: Fixtures.settings, context: Fixtures.context)
        #expect(target.owner == OwnerIdentity(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1"))
        #expect(target.roleName == testCase.roleName)
        #expect(target.rolePaths == testCase.rolePaths)
        #expect(target.serviceAccountNames == testCase.serviceAccountNames)
        #expect(target.serviceAccountAnnotations["eks.amazonaws.com/role-arn"] == testCase.annotatedArn)
        #expect(target.serviceAccountAnnotations["eks.amazonaws.com/sts-regional-endpoints"] == "true")
    }

    /// Deletion looks for the very owner and ARN rendering wrote: the two can never drift apart.
    @Test(arguments: ["", "custom-name"], ["", "/team-a/"])
    func ownerAndArnAgreeWithRendering(roleName: String, rolePath: String) throws {
        var resource = Fixtures.myApp()
        resource.spec.role.name = roleName
        resource.spec.role.path = rolePath
        let rendered = try AccessEvaluation.evaluate(resource, settings: Fixtures.settings, context: Fixtures.context).get()
        let target = CleanupTarget(of: resource, settings: Fixtures.settings, context: Fixtures.context)
        #expect(target.owner == rendered.owner)
        #expect(target.roleName == rendered.role.name)
        #expect(target.serviceAccountAnnotations == rendered.serviceAccountAnnotations)
        #expect(RoleNaming.roleArn(for: resource, context: Fixtures.context) == rendered.role.arn)
        #expect(OwnershipTags.tags(
            clusterName: target.owner.clusterName, namespace: target.owner.namespace, name: target.owner.name, uid: target.owner.uid)
            .allSatisfy { rendered.role.tags[$0.key] == $0.value })
    }
}
