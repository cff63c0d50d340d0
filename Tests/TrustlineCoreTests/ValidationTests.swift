import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

/// One rule per row: a change to the valid example, the field it must be reported at and the reason.
@Suite struct ValidationTests {
    struct Rule: Sendable, CustomTestStringConvertible {
        var label: String
        var field: String
        var reason: ValidationFailure.Reason
        var mutate: @Sendable (inout WorkloadAwsAccess) -> Void
        var testDescription: String { label }
    }

    static let rules: [Rule] = [
        Rule(label: "no namespace", field: "metadata.namespace", reason: .invalidSpec) { $0.metadata.namespace = nil },
        Rule(label: "namespace with a dot", field: "metadata.namespace", reason: .invalidSpec) { $0.metadata.namespace = "a.b" },
        Rule(label: "no name", field: "metadata.name", reason: .invalidSpec) { $0.metadata.name = "" },
        Rule(label: "upper-case name", field: "metadata.name", reason: .invalidSpec) { $0.metadata.name = "MyApp" },
        Rule(label: "bad ServiceAccount name", field: "spec.serviceAccount.name", reason: .invalidSpec) { $0.spec.serviceAccount.name = "Bad_Name" },
        Rule(label: "role name with a slash", field: "spec.role.name", reason: .invalidSpec) { $0.spec.role.name = "a/b" },
        Rule(label: "role name with a space", field: "spec.role.name", reason: .invalidSpec) { $0.spec.role.name = "a b" },
        Rule(label: "role name of 65", field: "spec.role.name", reason: .invalidSpec) { $0.spec.role.name = String(repeating: "r", count: 65) },
        Rule(label: "path without trailing slash", field: "spec.role.path", reason: .invalidSpec) { $0.spec.role.path = "/a" },
        Rule(label: "path without leading slash", field: "spec.role.path", reason: .invalidSpec) { $0.spec.role.path = "a/" },
        Rule(label: "path with a space", field: "spec.role.path", reason: .invalidSpec) { $0.spec.role.path = "/a b/" },
        Rule(label: "path of 513", field: "spec.role.path", reason: .invalidSpec) { $0.spec.role.path = "/" + String(repeating: "p", count: 511) + "/" },
        Rule(label: "description of 1001", field: "spec.role.description", reason: .invalidSpec) { $0.spec.role.description = String(repeating: "d", count: 1001) },
        Rule(label: "description with an emoji", field: "spec.role.description", reason: .invalidSpec) { $0.spec.role.description = "hi 🙂" },
        Rule(label: "session 3599", field: "spec.role.maxSessionDurationSeconds", reason: .invalidSpec) { $0.spec.role.maxSessionDurationSeconds = 3599 },
        Rule(label: "session 43201", field: "spec.role.maxSessionDurationSeconds", reason: .invalidSpec) { $0.spec.role.maxSessionDurationSeconds = 43201 },
        Rule(label: "token 599", field: "spec.tokenExpirationSeconds", reason: .invalidSpec) { $0.spec.tokenExpirationSeconds = 599 },
        Rule(label: "token 86401", field: "spec.tokenExpirationSeconds", reason: .invalidSpec) { $0.spec.tokenExpirationSeconds = 86401 },
        Rule(label: "empty audience", field: "spec.audience", reason: .invalidSpec) { $0.spec.audience = "" },
        Rule(label: "deletion policy", field: "spec.deletionPolicy", reason: .invalidSpec) { $0.spec.deletionPolicy = DeletionPolicy(rawValue: "Orphan") },
        Rule(label: "reserved tag prefix", field: "spec.role.tags[trustline.dev/uid]", reason: .invalidSpec) { $0.spec.role.tags["trustline.dev/uid"] = "x" },
        Rule(label: "reserved tag prefix, other case", field: "spec.role.tags[Trustline.dev/Name]", reason: .invalidSpec) { $0.spec.role.tags["Trustline.dev/Name"] = "x" },
        Rule(label: "aws: tag", field: "spec.role.tags[aws:foo]", reason: .invalidSpec) { $0.spec.role.tags["aws:foo"] = "x" },
        Rule(label: "tag key of 129", field: "spec.role.tags[\(String(repeating: "k", count: 129))]", reason: .invalidSpec) { $0.spec.role.tags[String(repeating: "k", count: 129)] = "x" },
        Rule(label: "tag value of 257", field: "spec.role.tags[team]", reason: .invalidSpec) { $0.spec.role.tags["team"] = String(repeating: "v", count: 257) },
        Rule(label: "tag value with a comma", field: "spec.role.tags[team]", reason: .invalidSpec) { $0.spec.role.tags["team"] = "a,b" },
        Rule(label: "case-duplicate tag", field: "spec.role.tags[team]", reason: .invalidSpec) { $0.spec.role.tags["Team"] = "x" },
        Rule(label: "47 user tags", field: "spec.role.tags", reason: .guardrailViolation) { resource in
            for index in 0..<47 { resource.spec.role.tags["k\(index)"] = "v" }
        },
        Rule(label: "policy name with a slash", field: "spec.inlinePolicies[0].name", reason: .invalidSpec) { $0.spec.inlinePolicies[0].name = "a/b" },
        Rule(label: "empty policy name", field: "spec.inlinePolicies[0].name", reason: .invalidSpec) { $0.spec.inlinePolicies[0].name = "" },
        Rule(label: "duplicate policy names", field: "spec.inlinePolicies[1].name", reason: .invalidSpec) { resource in
            resource.spec.inlinePolicies.append(InlinePolicy(name: "S3-Access", document: Fixtures.s3Document))
        },
        Rule(label: "managed ARN shape", field: "spec.managedPolicyArns[0]", reason: .invalidSpec) { $0.spec.managedPolicyArns = ["arn:aws:s3:::bucket"] },
        Rule(label: "managed ARN account", field: "spec.managedPolicyArns[0]", reason: .invalidSpec) { $0.spec.managedPolicyArns = ["arn:aws:iam::12345:policy/x"] },
        Rule(label: "managed ARN partition", field: "spec.managedPolicyArns[0]", reason: .invalidSpec) { $0.spec.managedPolicyArns = ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"] },
        Rule(label: "duplicate managed ARN", field: "spec.managedPolicyArns[1]", reason: .invalidSpec) { $0.spec.managedPolicyArns.append("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess") },
        Rule(label: "explicit name squatting the derived space", field: "spec.role.name", reason: .guardrailViolation) { $0.spec.role.name = "prod.other-team.api" },
    ]

    @Test(arguments: rules)
    func ruleIsReportedAtItsField(_ rule: Rule) {
        var resource = Fixtures.myApp()
        rule.mutate(&resource)
        let failures = Fixtures.failures(resource)
        #expect(failures.contains { $0.field == rule.field && $0.reason == rule.reason }, "got \(failures)")
        #expect(failures.allSatisfy { !$0.message.isEmpty })
    }

    @Test func designExampleIsValid() {
        #expect(Fixtures.failures(Fixtures.myApp()) == [])
    }

    struct Boundary: Sendable {
        var label: String
        var mutate: @Sendable (inout WorkloadAwsAccess) -> Void
    }

    static let boundaries: [Boundary] = [
        Boundary(label: "session 3600") { $0.spec.role.maxSessionDurationSeconds = 3600 },
        Boundary(label: "session 43200") { $0.spec.role.maxSessionDurationSeconds = 43200 },
        Boundary(label: "token 600") { $0.spec.tokenExpirationSeconds = 600 },
        Boundary(label: "token 86400") { $0.spec.tokenExpirationSeconds = 86400 },
        Boundary(label: "role name of 64") { $0.spec.role.name = String(repeating: "r", count: 64) },
        Boundary(label: "role name chars") { $0.spec.role.name = "a+b=c,d.e@f_g-h" },
        Boundary(label: "path /") { $0.spec.role.path = "/" },
        Boundary(label: "path of 512") { $0.spec.role.path = "/" + String(repeating: "p", count: 510) + "/" },
        Boundary(label: "description of 1000 Latin-1") { $0.spec.role.description = String(repeating: "é", count: 1000) },
        Boundary(label: "46 user tags") { resource in
            resource.spec.role.tags = [:]
            for index in 0..<46 { resource.spec.role.tags["k\(index)"] = "v" }
        },
        Boundary(label: "tag key of 128 and value of 256") { $0.spec.role.tags = [String(repeating: "k", count: 128): String(repeating: "v", count: 256)] },
        Boundary(label: "tag with spaces and unicode letters") { $0.spec.role.tags = ["Kostenstelle Zürich": "Ünïcode 42 _.:/=+-@"] },
        Boundary(label: "own derived name written out") { $0.spec.role.name = "prod.production.my-app" },
        Boundary(label: "customer managed policy with a path") { $0.spec.managedPolicyArns = ["arn:aws:iam::123456789012:policy/team/app/reader"] },
        Boundary(label: "no policies at all") { resource in
            resource.spec.inlinePolicies = []
            resource.spec.managedPolicyArns = []
        },
    ]

    @Test(arguments: boundaries.map { ($0.label, $0) })
    func boundaryValuesAreAccepted(_ label: String, _ boundary: Boundary) {
        var resource = Fixtures.myApp()
        boundary.mutate(&resource)
        #expect(Fixtures.failures(resource) == [], "\(label)")
    }

    @Test func allFailuresAreCollected() {
        var resource = Fixtures.myApp()
        resource.spec.role.maxSessionDurationSeconds = 1
        resource.spec.tokenExpirationSeconds = 1
        resource.spec.role.path = "x"
        resource.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        let fields = Set(Fixtures.failures(resource).map(\.field))
        #expect(fields == ["spec.role.maxSessionDurationSeconds", "spec.tokenExpirationSeconds", "spec.role.path", "spec.managedPolicyArns[0]"])
        let rejection = SpecRejection(failures: Fixtures.failures(resource))
        #expect(rejection.reason == .invalidSpec)
        #expect(rejection.message.contains("spec.role.path"))
    }

    @Test func rejectionReasonIsGuardrailWhenSpecIsWellFormed() throws {
        var resource = Fixtures.myApp()
        resource.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        let result = AccessEvaluation.evaluate(resource, settings: Fixtures.settings, context: Fixtures.context)
        guard case .failure(let rejection) = result else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.reason == .guardrailViolation)
        #expect(rejection.reason.conditionReason == .guardrailViolation)
    }
}
