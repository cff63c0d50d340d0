import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

/// The pieces the I/O shells call: Query API parameters, observations from raw IAM answers,
/// ServiceAccount annotation changes and status fields.
@Suite struct ShellSupportTests {
    @Test func createRoleParameters() {
        let desired = DesiredRoleRenderer.render(Fixtures.myApp(), context: Fixtures.context)
        guard case .createRole(let request)? = RolePlanner.creationPlan(desired).first else {
            Issue.record("no CreateRole")
            return
        }
        let parameters = IAMAction.createRole(request).queryParameters
        #expect(parameters["Action"] == "CreateRole")
        #expect(parameters["Version"] == "2010-05-08")
        #expect(parameters["RoleName"] == "prod.production.my-app")
        #expect(parameters["Path"] == "/trustline/")
        #expect(parameters["MaxSessionDuration"] == "3600")
        #expect(parameters["Description"] == nil)
        #expect(parameters["PermissionsBoundary"] == nil)
        #expect(parameters["AssumeRolePolicyDocument"] == PolicyCanonicalizer.wireText(desired.trustPolicy))
        #expect(parameters["Tags.member.1.Key"] == "team")
        #expect(parameters["Tags.member.1.Value"] == "payments")
        #expect(parameters["Tags.member.5.Key"] == "trustline.dev/uid")
        #expect(parameters["Tags.member.6.Key"] == nil)
    }

    @Test func otherParameters() {
        #expect(IAMAction.updateRole(roleName: "r", description: "", maxSessionDuration: 7200).queryParameters == [
            "Action": "UpdateRole", "Version": "2010-05-08", "RoleName": "r", "Description": "", "MaxSessionDuration": "7200",
        ])
        #expect(IAMAction.untagRole(roleName: "r", keys: ["b", "a"]).queryParameters == [
            "Action": "UntagRole", "Version": "2010-05-08", "RoleName": "r", "TagKeys.member.1": "a", "TagKeys.member.2": "b",
        ])
        #expect(IAMAction.putRolePolicy(roleName: "r", policyName: "p", document: ["Version": "2012-10-17"]).queryParameters["PolicyDocument"] == #"{"Version":"2012-10-17"}"#)
        #expect(IAMAction.detachRolePolicy(roleName: "r", policyArn: "arn:x").queryParameters["PolicyArn"] == "arn:x")
    }

    @Test func observationFromRawIAMAnswers() throws {
        let desired = DesiredRoleRenderer.render(Fixtures.myApp(), context: Fixtures.context)
        let encode = { (document: JSONValue) in
            PolicyCanonicalizer.wireText(document).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        let observed = try ObservedRole.fromIAM(
            name: desired.name, path: desired.path, arn: desired.arn, description: nil, maxSessionDuration: 3600,
            permissionsBoundaryArn: nil, trustPolicyText: encode(desired.trustPolicy),
            inlinePolicyTexts: ["s3-access": encode(Fixtures.s3Document)],
            attachedManagedPolicyArns: Array(desired.managedPolicyArns),
            tags: desired.tags.map { (key: $0.key, value: $0.value) })
        #expect(RolePlanner.plan(desired: desired, observed: observed) == [])
        #expect(throws: PolicyParseError.self) {
            try ObservedRole.fromIAM(
                name: "r", path: "/", arn: "a", description: nil, maxSessionDuration: 3600, permissionsBoundaryArn: nil,
                trustPolicyText: "%7Bnope", inlinePolicyTexts: [:], attachedManagedPolicyArns: [], tags: [])
        }
    }

    @Test func annotationChangesTouchOnlyOurKeys() {
        let desired = ["eks.amazonaws.com/role-arn": "arn:new", "eks.amazonaws.com/token-expiration": "600"]
        let current = ["eks.amazonaws.com/role-arn": "arn:old", "eks.amazonaws.com/audience": "x", "someone.else/key": "keep"]
        let changes = ServiceAccountAnnotations.changes(current: current, desired: desired)
        let expected: [String: String?] = [
            "eks.amazonaws.com/role-arn": "arn:new", "eks.amazonaws.com/token-expiration": "600",
            "eks.amazonaws.com/audience": Optional<String>.none,
        ]
        #expect(changes == expected)
        var applied = current
        for (key, value) in changes {
            if let value { applied[key] = value } else { applied.removeValue(forKey: key) }
        }
        #expect(ServiceAccountAnnotations.changes(current: applied, desired: desired).isEmpty)
        #expect(applied["someone.else/key"] == "keep")
        let removal: [String: String?] = [
            "eks.amazonaws.com/role-arn": Optional<String>.none, "eks.amazonaws.com/token-expiration": Optional<String>.none,
        ]
        #expect(ServiceAccountAnnotations.removal(current: applied) == removal)
    }

    @Test func statusFieldsOfRenderedAccess() throws {
        let rendered = try AccessEvaluation.evaluate(Fixtures.myApp(), settings: Fixtures.settings, context: Fixtures.context).get()
        #expect(rendered.statusFields == WorkloadAwsAccessStatus(
            roleArn: "arn:aws:iam::123456789012:role/trustline/prod.production.my-app", roleName: "prod.production.my-app",
            serviceAccountName: "my-app", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"))
    }

    /// Before IAM answers, the role ARN is whatever the caller knew; an adopted role's own ARN wins.
    @Test(arguments: [nil, "arn:aws:iam::123456789012:role/adopted/legacy"])
    func statusFieldsWithTheRoleArnIAMReported(_ roleArn: String?) throws {
        let rendered = try AccessEvaluation.evaluate(Fixtures.myApp(), settings: Fixtures.settings, context: Fixtures.context).get()
        let fields = rendered.statusFields(roleArn: roleArn)
        #expect(fields.roleArn == roleArn)
        #expect(fields.roleName == rendered.statusFields.roleName)
        #expect(fields.serviceAccountName == rendered.statusFields.serviceAccountName)
        #expect(fields.oidcProviderArn == rendered.statusFields.oidcProviderArn)
        #expect(fields.conditions.isEmpty && fields.observedGeneration == nil)
    }
}

@Suite struct EventAndProviderTests {
    @Test func driftMessageNamesWhatWasPutBack() {
        let desired = DesiredRoleRenderer.render(Fixtures.myApp(), context: Fixtures.context)
        var observed = PlanSimulation.apply(RolePlanner.plan(desired: desired, observed: nil), to: nil)
        #expect(RoleDiff.compute(desired: desired, observed: observed).driftMessage(roleName: desired.name) == nil)
        observed?.attachedManagedPolicyArns.insert("arn:aws:iam::aws:policy/AdministratorAccess")
        observed?.tags["team"] = nil
        #expect(RoleDiff.compute(desired: desired, observed: observed).driftMessage(roleName: desired.name)
            == "corrected drift on role prod.production.my-app: extra managed policy arn:aws:iam::aws:policy/AdministratorAccess, tag team")
    }

    @Test func providerClientIds() {
        #expect(OIDCProviderClients.clientIds(audiences: ["vault", "sts.amazonaws.com", "vault"]) == ["sts.amazonaws.com", "vault"])
        #expect(OIDCProviderClients.clientIds(audiences: []) == ["sts.amazonaws.com"])
        #expect(OIDCProviderClients.missing(existing: ["sts.amazonaws.com"], audiences: ["a", "b"]) == ["a", "b"])
        #expect(OIDCProviderClients.missing(existing: ["sts.amazonaws.com", "a"], audiences: ["a"]) == [])
    }
}

@Suite struct PlanEncodingTests {
    @Test func planOutputIsStableJSON() throws {
        let rendered = try AccessEvaluation.evaluate(Fixtures.myApp(), settings: Fixtures.settings, context: Fixtures.context).get()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(rendered)
        #expect(first == (try encoder.encode(rendered)))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: first)
        #expect(decoded["role"]?["name"] == "prod.production.my-app")
        #expect(decoded["role"]?["managedPolicyArns"] == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
        let action = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(IAMAction.deleteRole(roleName: "r")))
        #expect(action == ["action": "DeleteRole", "summary": "delete role r", "parameters": ["Action": "DeleteRole", "Version": "2010-05-08", "RoleName": "r"]])
        let failure = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(ValidationFailure(.guardrailViolation, field: "f", "m")))
        #expect(failure == ["reason": "GuardrailViolation", "field": "f", "message": "m"])
    }
}

@Suite struct ServiceAccountRenderingTests {
    @Test func createdServiceAccountIsOwned() {
        let resource = Fixtures.myApp()
        let serviceAccount = ServiceAccountRendering.created(for: resource, name: "my-app", annotations: ["eks.amazonaws.com/role-arn": "arn:x"])
        #expect(serviceAccount.metadata.namespace == "production")
        #expect(serviceAccount.metadata.annotations == ["eks.amazonaws.com/role-arn": "arn:x"])
        #expect(serviceAccount.metadata.ownerReferences == [
            OwnerReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "my-app", uid: "uid-1", controller: true, blockOwnerDeletion: true)
        ])
        #expect(ServiceAccountRendering.isOwned(serviceAccount, by: resource))
        var other = resource
        other.metadata.uid = "uid-2"
        #expect(!ServiceAccountRendering.isOwned(serviceAccount, by: other))
        #expect(!ServiceAccountRendering.isOwned(ServiceAccount(metadata: ObjectMeta(name: "my-app", namespace: "production")), by: resource))
    }

    @Test func nullGroupsInTheConfigFileAreEmpty() throws {
        #expect(try SettingsLoader.fileLayer(try Fixtures.json(#"{"clusterName":"c","guardrails":null}"#)) == ["clusterName": .scalar("c")])
    }
}
