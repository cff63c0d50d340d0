import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// Issue 11, item 4: a managed policy's default version is held to the same `deniedActions` as an
/// inline policy; one the check cannot read is refused.
@Suite struct ManagedPolicyGuardrailTests {
    static let codeStar = "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole"
    static let guardrails = GuardrailSettings()

    struct DocumentCase: Sendable, CustomTestStringConvertible {
        var label: String
        var document: String
        /// Nil when the policy passes, else what the message must contain.
        var refusalNames: [String]?
        var testDescription: String { label }
    }

    static let cases: [DocumentCase] = [
        DocumentCase(
            label: "AmazonS3ReadOnlyAccess passes",
            document: #"{"Version":"2012-10-17","Statement":[{"Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Effect":"Allow","Resource":"*"}]}"#,
            refusalNames: nil),
        DocumentCase(
            label: "iam:PassRole among harmless actions",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}]}"#,
            refusalNames: ["iam:PassRole", "deniedActions (iam:*)"]),
        DocumentCase(
            label: "Statement as one object, Action as one string",
            document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#,
            refusalNames: ["sts:AssumeRole", "(sts:*)"]),
        DocumentCase(
            label: "the wildcard action",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            refusalNames: ["grants *, which the guardrail deniedActions (iam:*) refuses"]),
        DocumentCase(
            label: "a glob that reaches IAM",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"i?m:Create*","Resource":"*"}]}"#,
            refusalNames: ["i?m:Create*"]),
        DocumentCase(
            label: "case does not hide an action",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"IAM:PASSROLE","Resource":"*"}]}"#,
            refusalNames: ["IAM:PASSROLE"]),
        DocumentCase(
            label: "a denied action under Deny is no grant",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
            refusalNames: nil),
        DocumentCase(
            label: "a Deny does not excuse an Allow",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#,
            refusalNames: ["iam:PassRole"]),
        DocumentCase(
            label: "NotAction in an Allow statement",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#,
            refusalNames: ["NotAction"]),
        DocumentCase(
            label: "URL-encoded, as IAM returns it",
            document: "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
            refusalNames: ["iam:PassRole"]),
        DocumentCase(label: "not JSON", document: "{not json", refusalNames: ["cannot be checked"]),
        DocumentCase(label: "no Statement", document: #"{"Version":"2012-10-17"}"#, refusalNames: ["cannot be checked", "no Statement"]),
        DocumentCase(
            label: "an Effect that is neither",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}"#,
            refusalNames: ["cannot be checked", "Statement[0].Effect"]),
        DocumentCase(
            label: "an action that is not a string",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject",7],"Resource":"*"}]}"#,
            refusalNames: ["cannot be checked", "Statement[0].Action"]),
        DocumentCase(
            label: "an Allow without Action",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            refusalNames: ["cannot be checked"]),
    ]

    @Test(arguments: cases)
    func documentsAgainstTheDefaultDeniedActions(_ testCase: DocumentCase) {
        let failure = ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 2, document: testCase.document, guardrails: Self.guardrails)
        guard let names = testCase.refusalNames else {
            #expect(failure == nil)
            return
        }
        guard let refused = failure else {
            Issue.record("expected a refusal naming \(names)")
            return
        }
        #expect(refused.reason == .guardrailViolation)
        #expect(refused.field == "spec.managedPolicyArns[2]")
        #expect(refused.message.hasPrefix(Self.codeStar), "\(refused)")
        for name in names {
            #expect(refused.message.contains(name), "\(name) in \(refused.message)")
        }
    }

    /// AWSCodeStarServiceRole as AWS publishes it (moto 5.2.1's catalogue, default version v11).
    @Test func codeStarServiceRoleNamesThePolicyAndTheIAMWrites() throws {
        let document = #"""
            {"Version":"2012-10-17","Statement":[
             {"Sid":"ProjectS3Buckets","Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*/AWSLogs/*/Config/*"]},
             {"Sid":"ProjectServices","Effect":"Allow","Action":["codestar:*","ec2:*","iam:ListRoles","logs:*"],"Resource":"*"},
             {"Sid":"ProjectWorkerRoles","Effect":"Allow","Action":["iam:AttachRolePolicy","iam:CreateRole","iam:DeleteRole","iam:DeleteRolePolicy","iam:DetachRolePolicy","iam:GetRole","iam:PassRole","iam:GetRolePolicy","iam:PutRolePolicy"],"Resource":["arn:aws:iam::*:role/CodeStarWorker*"]}]}
            """#
        let failure = try #require(ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 0, document: document, guardrails: Self.guardrails))
        #expect(failure.description.hasPrefix("spec.managedPolicyArns[0]: \(Self.codeStar) grants iam:ListRoles, iam:AttachRolePolicy, iam:CreateRole"))
        for action in ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PassRole"] {
            #expect(failure.message.contains(action))
        }
        #expect(failure.message.contains("which the guardrail deniedActions (iam:*) refuses"))
    }

    @Test func manyOffendingActionsAreCountedNotAllNamed() throws {
        let actions = (0..<25).map { "\"iam:Action\($0)\"" }.joined(separator: ",")
        let document = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[\#(actions)],"Resource":"*"}]}"#
        let failure = try #require(ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 0, document: document, guardrails: Self.guardrails))
        #expect(failure.message.contains("iam:Action19 and 5 more"))
        #expect(!failure.message.contains("iam:Action20"))
    }

    @Test func theOperatorsOwnDeniedActionsApply() {
        let document = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:DeleteBucket","iam:GetRole"],"Resource":"*"}]}"#
        var guardrails = GuardrailSettings()
        guardrails.deniedActions = ["s3:Delete*"]
        let failure = ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 0, document: document, guardrails: guardrails)
        #expect(failure?.message.contains("grants s3:DeleteBucket, which the guardrail deniedActions (s3:Delete*) refuses") == true)
        guardrails.deniedActions = []
        #expect(ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 0, document: document, guardrails: guardrails) == nil)
    }

    static let actionPool = PolicyGenerators.actions + [
        "iam:PassRole", "iam:Get*", "IAM:CreateRole", "sts:AssumeRole", "*", "s?s:Get*", "i?:PassRole", "s3:*", "organizations:List*", "acc*:Get*", "sqs:*",
    ]

    /// Allow and Deny statements over actions drawn from `actionPool`.
    static let statements = Generator<[(Bool, [String])], Shrink.None<[(Bool, [String])]>> { rng in
        (0..<Int.random(in: 1...4, using: &rng)).map { _ in
            (Bool.random(using: &rng), (0..<Int.random(in: 1...3, using: &rng)).map { _ in PolicyGenerators.pick(actionPool, &rng) })
        }
    }

    /// The same document is refused as a managed policy exactly when it is refused as an inline
    /// one: the two share the rule, so neither is a way around the other.
    @Test func managedAndInlineAgreeOnEveryDocument() async throws {
        await propertyCheck(count: 400, input: Self.statements) { statements in
            let document: JSONValue = [
                "Version": "2012-10-17",
                "Statement": .array(statements.map { allow, actions in
                    ["Effect": .string(allow ? "Allow" : "Deny"), "Action": .array(actions.map { .string($0) }), "Resource": "*"]
                }),
            ]
            let text = String(decoding: try! JSONEncoder().encode(document), as: UTF8.self)
            let managed = ManagedPolicyGuardrail.check(arn: Self.codeStar, index: 0, document: text, guardrails: Self.guardrails)
            let inline = Fixtures.failures(Fixtures.withDocument(document))
            #expect(inline.allSatisfy { $0.reason == .guardrailViolation }, "\(inline)")
            #expect((managed != nil) == !inline.isEmpty, "managed: \(String(describing: managed)), inline: \(inline)")
        }
    }
}
