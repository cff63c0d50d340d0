import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct GuardrailTests {
    struct ActionCase: Sendable, CustomTestStringConvertible {
        var action: String
        var refused: Bool
        var testDescription: String { action }
    }

    /// Against the default denied list `iam:* sts:* organizations:* account:*`.
    static let actionCases: [ActionCase] = [
        ActionCase(action: "*", refused: true),
        ActionCase(action: "*:*", refused: true),
        ActionCase(action: "iam:Cr*", refused: true),
        ActionCase(action: "i?m:PassRole", refused: true),
        ActionCase(action: "IAM:PutRolePolicy", refused: true),
        ActionCase(action: "iam:passrole", refused: true),
        ActionCase(action: "sts:AssumeRole", refused: true),
        ActionCase(action: "s*:AssumeRole", refused: true),
        ActionCase(action: "*:AssumeRole", refused: true),
        ActionCase(action: "organizations:ListAccounts", refused: true),
        ActionCase(action: "acc*:Get*", refused: true),
        ActionCase(action: "?ccount:GetContactInformation", refused: true),
        ActionCase(action: "s3:*", refused: false),
        ActionCase(action: "s3:GetObject", refused: false),
        ActionCase(action: "ec2:Describe*", refused: false),
        ActionCase(action: "i?:PassRole", refused: false),
        ActionCase(action: "iamx:Get", refused: false),
        ActionCase(action: "s?s:Get*", refused: true),
        ActionCase(action: "sqs:*", refused: false),
        ActionCase(action: "?3:*", refused: false),
    ]

    @Test(arguments: actionCases)
    func deniedActionsByGlobIntersection(_ testCase: ActionCase) throws {
        let document: JSONValue = [
            "Version": "2012-10-17",
            "Statement": [
                ["Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"],
                ["Effect": "Allow", "Action": ["s3:ListBucket", .string(testCase.action)], "Resource": "*"],
            ],
        ]
        let failures = Fixtures.failures(Fixtures.withDocument(document))
        let field = "spec.inlinePolicies[0].document.Statement[1].Action[1]"
        if testCase.refused {
            #expect(failures.map(\.field) == [field])
            #expect(failures.first?.reason == .guardrailViolation)
        } else {
            #expect(failures == [])
        }
    }

    @Test func deniedActionInSingleStringFormHasThePathWithoutIndex() throws {
        let document = try Fixtures.json(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}}"#)
        let failures = Fixtures.failures(Fixtures.withDocument(document))
        #expect(failures.map(\.field) == ["spec.inlinePolicies[0].document.Statement.Action"])
    }

    @Test func deniedActionsMayBeDenied() throws {
        let document = try Fixtures.json(#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#)
        #expect(Fixtures.failures(Fixtures.withDocument(document)) == [])
    }

    @Test func notActionInAllowIsRefusedButFineInDeny() throws {
        let allow = try Fixtures.json(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}]}"#)
        let failures = Fixtures.failures(Fixtures.withDocument(allow))
        #expect(failures.map(\.field) == ["spec.inlinePolicies[0].document.Statement[0].NotAction"])
        #expect(failures.first?.reason == .guardrailViolation)
        let deny = try Fixtures.json(#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}]}"#)
        #expect(Fixtures.failures(Fixtures.withDocument(deny)) == [])
    }

    @Test func customDeniedActions() throws {
        var settings = Fixtures.settings
        settings.guardrails.deniedActions = ["s3:Delete*"]
        let document = try Fixtures.json(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","iam:PassRole","s3:GetObject"],"Resource":"*"}]}"#)
        let failures = Fixtures.failures(Fixtures.withDocument(document), settings: settings)
        #expect(failures.map(\.field) == ["spec.inlinePolicies[0].document.Statement[0].Action[0]"])
    }

    struct NamespaceCase: Sendable {
        var allowed: [String]
        var denied: [String]
        var namespace: String
        var refused: Bool
    }

    static let namespaceCases: [NamespaceCase] = [
        NamespaceCase(allowed: [], denied: [], namespace: "production", refused: false),
        NamespaceCase(allowed: ["team-*"], denied: [], namespace: "team-a", refused: false),
        NamespaceCase(allowed: ["team-*"], denied: [], namespace: "production", refused: true),
        NamespaceCase(allowed: [], denied: ["kube-*"], namespace: "kube-system", refused: true),
        NamespaceCase(allowed: ["*"], denied: ["kube-*", "default"], namespace: "default", refused: true),
        NamespaceCase(allowed: ["team-?"], denied: [], namespace: "team-ab", refused: true),
        NamespaceCase(allowed: ["team-*"], denied: ["team-secret"], namespace: "team-secret", refused: true),
    ]

    @Test(arguments: namespaceCases)
    func namespaces(_ testCase: NamespaceCase) {
        var settings = Fixtures.settings
        settings.guardrails.allowedNamespaces = testCase.allowed
        settings.guardrails.deniedNamespaces = testCase.denied
        var resource = Fixtures.myApp()
        resource.metadata.namespace = testCase.namespace
        let failures = Fixtures.failures(resource, settings: settings)
        if testCase.refused {
            #expect(failures.map(\.field) == ["metadata.namespace"])
            #expect(failures.first?.reason == .guardrailViolation)
        } else {
            #expect(failures == [])
        }
    }

    struct ManagedCase: Sendable {
        var arn: String
        var allowed: [String] = []
        var denied: [String] = GuardrailSettings.defaultDeniedManagedPolicyArns
        var refused: Bool
    }

    static let managedCases: [ManagedCase] = [
        ManagedCase(arn: "arn:aws:iam::aws:policy/AdministratorAccess", refused: true),
        ManagedCase(arn: "arn:aws:iam::aws:policy/IAMFullAccess", refused: true),
        ManagedCase(arn: "arn:aws:iam::aws:policy/PowerUserAccess", refused: true),
        ManagedCase(arn: "arn:aws:iam::aws:policy/administratoraccess", refused: true),
        ManagedCase(arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", refused: false),
        ManagedCase(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", refused: false),
        // ${namespace} templating: each namespace may use only its own customer policies.
        ManagedCase(arn: "arn:aws:iam::123456789012:policy/production/reader", allowed: ["arn:aws:iam::*:policy/${namespace}/*"], refused: false),
        ManagedCase(arn: "arn:aws:iam::123456789012:policy/staging/reader", allowed: ["arn:aws:iam::*:policy/${namespace}/*"], refused: true),
        ManagedCase(arn: "arn:aws:iam::123456789012:policy/production/admin", allowed: ["arn:aws:iam::*:policy/${namespace}/*"], denied: ["*/${namespace}/admin"], refused: true),
    ]

    @Test(arguments: managedCases)
    func managedPolicyArns(_ testCase: ManagedCase) {
        var settings = Fixtures.settings
        settings.guardrails.allowedManagedPolicyArns = testCase.allowed
        settings.guardrails.deniedManagedPolicyArns = testCase.denied
        var resource = Fixtures.myApp()
        resource.spec.managedPolicyArns = [testCase.arn]
        let failures = Fixtures.failures(resource, settings: settings)
        if testCase.refused {
            #expect(failures.map(\.field) == ["spec.managedPolicyArns[0]"])
            #expect(failures.first?.reason == .guardrailViolation)
        } else {
            #expect(failures == [])
        }
    }

    @Test func managedPolicyCountQuota() {
        var resource = Fixtures.myApp()
        resource.spec.managedPolicyArns = (0..<11).map { "arn:aws:iam::123456789012:policy/p\($0)" }
        let failures = Fixtures.failures(resource)
        #expect(failures.map(\.field) == ["spec.managedPolicyArns"])
        #expect(failures.first?.reason == .guardrailViolation)
        resource.spec.managedPolicyArns.removeLast()
        #expect(Fixtures.failures(resource) == [])
    }

    /// A document of exactly `size` non-whitespace characters as IAM counts them.
    static func documentOfSize(_ size: Int) -> JSONValue {
        let base: JSONValue = ["Version": "2012-10-17", "Statement": ["Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/"]]
        let baseSize = PolicyCanonicalizer.quotaSize(base)
        return ["Version": "2012-10-17", "Statement": ["Effect": "Allow", "Action": "s3:GetObject", "Resource": .string("arn:aws:s3:::b/" + String(repeating: "x", count: size - baseSize))]]
    }

    @Test func inlinePolicyAggregateQuotaCountsAsIAMDoes() {
        var resource = Fixtures.myApp()
        let half = Self.documentOfSize(5120)
        #expect(PolicyCanonicalizer.quotaSize(half) == 5120)
        resource.spec.inlinePolicies = [InlinePolicy(name: "a", document: half), InlinePolicy(name: "b", document: half)]
        #expect(Fixtures.failures(resource) == [])
        resource.spec.inlinePolicies[1].document = Self.documentOfSize(5121)
        let failures = Fixtures.failures(resource)
        #expect(failures.map(\.field) == ["spec.inlinePolicies"])
        #expect(failures.first?.reason == .guardrailViolation)
    }

    @Test func whitespaceDoesNotCount() throws {
        let spaced = try Fixtures.json("{ \"Version\" : \"2012-10-17\",\n  \"Statement\" : { \"Effect\" : \"Allow\", \"Action\" : \"s3:GetObject\", \"Resource\" : \"*\" } }")
        #expect(PolicyCanonicalizer.quotaSize(spaced) == #"{"Statement":{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"},"Version":"2012-10-17"}"#.count)
        // Whitespace inside values is not counted either.
        let inner: JSONValue = ["a": "x y"]
        #expect(PolicyCanonicalizer.quotaSize(inner) == #"{"a":"xy"}"#.count)
    }

    @Test func trustPolicySizeQuota() {
        var resource = Fixtures.myApp()
        resource.spec.audience = String(repeating: "a", count: 255)
        var settings = Fixtures.settings
        #expect(Fixtures.failures(resource, settings: settings) == [])
        let size = PolicyCanonicalizer.quotaSize(TrustPolicy.document(for: resource, context: Fixtures.context))
        settings.guardrails.quotas.trustPolicySize = size - 1
        let failures = Fixtures.failures(resource, settings: settings)
        #expect(failures.map(\.field) == ["spec.audience"])
        #expect(failures.first?.reason == .guardrailViolation)
        settings.guardrails.quotas.trustPolicySize = size
        #expect(Fixtures.failures(resource, settings: settings) == [])
    }

    @Test func tagQuotaCountsOwnershipTags() {
        var settings = Fixtures.settings
        settings.guardrails.quotas.tagsPerRole = 5
        var resource = Fixtures.myApp()
        resource.spec.role.tags = ["a": "1"]
        #expect(Fixtures.failures(resource, settings: settings) == [])
        resource.spec.role.tags["b"] = "2"
        #expect(Fixtures.failures(resource, settings: settings).map(\.field) == ["spec.role.tags"])
    }
}
