import Foundation
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline plan`'s engine (docs/design.md section 6): manifests in, rendered access or violations out,
/// exit status 0 clean / 1 violations, JSON a tool can read.
struct AccessPlanningTests {
    static let settings = OperatorSettings(clusterName: "prod")

    /// The rendering context with nothing configured: placeholders.
    static func offlineContext(_ settings: OperatorSettings = settings) async throws -> (context: RenderingContext, notes: [String]) {
        try await AccessPlanning.renderingContext(settings: settings, aws: nil, kubernetes: nil, region: nil)
    }

    static func plan(_ directory: ManifestDirectory) async throws -> [PlannedAccess] {
        let context = try await offlineContext().context
        return try AccessPlanning.scan([directory.path]).resources.map {
            AccessPlanning.evaluate($0.resource, source: $0.source, settings: settings, context: context)
        }
    }

    @Test func findsTrustlineDocumentsSkipsOthersAndHiddenFolders() throws {
        let directory = try ManifestDirectory(files: [
            "apps/app.yaml": ManifestDirectory.configMap + "\n---\n" + ManifestDirectory.access(name: "my-app"),
            "apps/worker.yml": ManifestDirectory.access(name: "worker", namespace: nil),
            "apps/README.md": ManifestDirectory.access(name: "not-a-manifest"),
            ".git/stale.yaml": ManifestDirectory.access(name: "hidden"),
            "only-config.yaml": ManifestDirectory.configMap,
        ])
        defer { directory.remove() }
        let found = try AccessPlanning.scan([directory.path]).resources
        #expect(found.map(\.source) == [directory.file("apps/app.yaml") + "#1", directory.file("apps/worker.yml")])
        #expect(found.map(\.resource.name) == ["my-app", "worker"])
        #expect(found.map(\.resource.namespace) == ["production", "default"], "a manifest without a namespace lands in default")
    }

    @Test func aSingleFileArgumentIsReadEvenWithAnotherExtension() throws {
        let directory = try ManifestDirectory(files: ["access.txt": ManifestDirectory.access(name: "my-app")])
        defer { directory.remove() }
        let found = try AccessPlanning.scan([directory.file("access.txt")]).resources
        #expect(found.map(\.source) == [directory.file("access.txt")])
    }

    @Test func aCleanManifestRendersWithPlaceholdersAndExitsZero() async throws {
        let directory = try ManifestDirectory(files: ["app.yaml": ManifestDirectory.access(name: "my-app")])
        defer { directory.remove() }
        let planned = try await Self.plan(directory)
        let access = try #require(planned.first)
        #expect(planned.count == 1)
        #expect(!access.isRefused)
        let rendered = try #require(access.rendered)
        #expect(rendered.role.name == "prod.production.my-app")
        #expect(rendered.role.arn == "arn:aws:iam::\(AccessPlanning.placeholderAccountId):role/trustline/prod.production.my-app")
        #expect("\(rendered.role.trustPolicy)".contains("oidc.cluster.invalid"))
        #expect(PlanReport.exitStatus(for: planned) == 0)
        let notes = try await Self.offlineContext().notes
        #expect(notes.contains { $0.contains("--aws-account-id") })
        #expect(notes.contains { $0.contains("--oidc-issuer") })
    }

    @Test func configuredAccountAndIssuerReplaceThePlaceholders() async throws {
        let settings = OperatorSettings(clusterName: "prod", oidcIssuer: "https://oidc.example.com/id/ABC", awsAccountId: "123456789012")
        let (context, notes) = try await Self.offlineContext(settings)
        #expect(notes.isEmpty)
        #expect(context.accountId == "123456789012")
        #expect(context.oidcIssuer == "https://oidc.example.com/id/ABC")
        let (china, _) = try await AccessPlanning.renderingContext(settings: settings, aws: nil, kubernetes: nil, region: "cn-north-1")
        #expect(china.partition == "aws-cn")
    }

    struct Violation: CustomTestStringConvertible, Sendable {
        var label: String
        var manifest: String
        var reason: String
        var fieldPrefix: String
        var testDescription: String { label }
    }

    static let violations: [Violation] = [
        Violation(
            label: "denied action iam:PassRole", manifest: ManifestDirectory.access(name: "bad", action: "iam:PassRole"),
            reason: "GuardrailViolation", fieldPrefix: "spec.inlinePolicies[0]"),
        Violation(
            label: "denied wildcard *", manifest: ManifestDirectory.access(name: "bad", action: "*"),
            reason: "GuardrailViolation", fieldPrefix: "spec.inlinePolicies[0]"),
        Violation(
            label: "denied managed policy", manifest: ManifestDirectory.access(name: "bad", managed: ["arn:aws:iam::aws:policy/AdministratorAccess"]),
            reason: "GuardrailViolation", fieldPrefix: "spec.managedPolicyArns[0]"),
        Violation(
            label: "managed policy ARN of another partition", manifest: ManifestDirectory.access(name: "bad", managed: ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"]),
            reason: "InvalidSpec", fieldPrefix: "spec.managedPolicyArns[0]"),
    ]

    @Test(arguments: violations)
    func aViolationIsRefusedNamingTheFieldAndExitsOne(_ row: Violation) async throws {
        let directory = try ManifestDirectory(files: [
            "good.yaml": ManifestDirectory.access(name: "good"),
            "bad.yaml": row.manifest,
        ])
        defer { directory.remove() }
        let planned = try await Self.plan(directory)
        #expect(planned.map(\.name) == ["bad", "good"], "files are read in name order")
        let bad = try #require(planned.first)
        #expect(bad.isRefused)
        #expect(bad.rendered == nil)
        #expect(bad.reason == row.reason)
        #expect(bad.violations.contains { $0.field.hasPrefix(row.fieldPrefix) }, "\(bad.violations)")
        #expect(planned.last?.isRefused == false, "one refusal does not hide the clean resource")
        #expect(PlanReport.exitStatus(for: planned) == 1)

        let text = PlanReport.text(planned, notes: [])
        #expect(text.contains("REFUSED: \(row.reason)"))
        #expect(text.contains(row.fieldPrefix))
        #expect(text.hasSuffix("2 resource(s), 1 refused\n"))
    }

    @Test func jsonOutputParsesWithResourcesViolationsAndNotes() async throws {
        let directory = try ManifestDirectory(files: [
            "a.yaml": ManifestDirectory.access(name: "good"),
            "b.yaml": ManifestDirectory.access(name: "bad", action: "iam:CreateUser"),
        ])
        defer { directory.remove() }
        let planned = try await Self.plan(directory)
        let json = PlanReport.json(planned, notes: ["no --aws-account-id: placeholder"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["refused"] as? Int == 1)
        #expect(object["notes"] as? [String] == ["no --aws-account-id: placeholder"])
        let resources = try #require(object["resources"] as? [[String: Any]])
        #expect(resources.count == 2)
        #expect(resources.map { $0["name"] as? String } == ["good", "bad"])
        #expect(resources[0]["namespace"] as? String == "production")
        let rendered = try #require(resources[0]["rendered"] as? [String: Any])
        #expect(rendered.isEmpty == false)
        #expect((resources[0]["violations"] as? [Any])?.isEmpty == true)
        #expect(resources[1]["reason"] as? String == "GuardrailViolation")
        let violations = try #require(resources[1]["violations"] as? [[String: Any]])
        #expect(violations.first?["reason"] as? String == "GuardrailViolation")
        #expect((violations.first?["field"] as? String)?.hasPrefix("spec.inlinePolicies[0]") == true)
        #expect((violations.first?["message"] as? String)?.isEmpty == false)
    }

    @Test func aMissingPathIsAnInputErrorNamingIt() {
        let missing = "/nonexistent/trustline-\(UUID().uuidString)"
        #expect {
            _ = try AccessPlanning.scan([missing])
        } throws: { error in
            "\(error)".contains(missing) && "\(error)".contains("no such file or directory")
        }
    }

    @Test func aTrustlineDocumentTheSchemaRefusesIsAProblemNamingItsSourceAndReadingGoesOn() throws {
        let directory = try ManifestDirectory(files: [
            "broken.yaml": """
                apiVersion: trustline.dev/v1alpha1
                kind: WorkloadAwsAccess
                metadata:
                  name: broken
                spec: "not a mapping"
                """,
            "good.yaml": ManifestDirectory.access(name: "good"),
        ])
        defer { directory.remove() }
        let scan = try AccessPlanning.scan([directory.path])
        #expect(scan.resources.map(\.resource.name) == ["good"], "the broken document does not stop the next file")
        let problem = try #require(scan.problems.first)
        #expect(scan.problems.count == 1)
        #expect(problem.source == directory.file("broken.yaml"))
        #expect(problem.document == 0)
        #expect(problem.field == "spec")
        #expect(problem.message.contains("must be of type object"), "\(problem.message)")
        #expect(PlanReport.exitStatus(for: [], problems: scan.problems) == 1)
    }

    @Test func aMalformedManagedPolicyARNIsRefusedByTheCRDSchemaBeforeTheGuardrails() throws {
        let directory = try ManifestDirectory(files: ["bad.yaml": ManifestDirectory.access(name: "bad", managed: ["not-an-arn"])])
        defer { directory.remove() }
        let scan = try AccessPlanning.scan([directory.path])
        #expect(scan.resources.isEmpty)
        #expect(scan.problems.map(\.field) == ["spec.managedPolicyArns[0]"])
        #expect(scan.problems.first?.message.contains("does not match the pattern") == true)
    }

    @Test func aKeyTwiceInOneMappingIsAProblemOfThatFile() throws {
        let twice = ManifestDirectory.access(name: "twice").replacingOccurrences(of: "spec:\n", with: "spec:\n  audience: a\n  audience: b\n")
        let scan = try AccessPlanning.scan(["-"], readStandardInput: { Data(twice.utf8) })
        #expect(scan.resources.isEmpty)
        #expect(scan.problems.count == 1)
        let line = scan.problems.first?.line ?? ""
        #expect(line.hasPrefix("stdin: error: is not valid YAML:") && line.contains("duplicated key(s): 'audience'"), "\(line)")
    }

    @Test func standardInputIsReadForDash() throws {
        let scan = try AccessPlanning.scan(["-"], readStandardInput: { Data(ManifestDirectory.access(name: "piped").utf8) })
        #expect(scan.resources.map(\.source) == ["stdin"])
        #expect(scan.resources.map(\.resource.name) == ["piped"])
    }

    @Test func twoResourcesOnOneServiceAccountAndOneRoleAreReportedOnTheLaterOne() async throws {
        let directory = try ManifestDirectory(files: [
            "a.yaml": ManifestDirectory.access(name: "first").replacingOccurrences(of: "spec:\n", with: "spec:\n  role: {name: shared-role}\n"),
            "b.yaml": ManifestDirectory.access(name: "second")
                .replacingOccurrences(of: "serviceAccount:\n    name: second", with: "serviceAccount:\n    name: first")
                .replacingOccurrences(of: "spec:\n", with: "spec:\n  role: {name: Shared-Role}\n"),
        ])
        defer { directory.remove() }
        let scan = try AccessPlanning.scan([directory.path])
        let context = try await Self.offlineContext().context
        let planned = scan.resources.map { AccessPlanning.evaluate($0.resource, source: $0.source, settings: Self.settings, context: context) }
        let conflicts = AccessPlanning.conflicts(scanned: scan.resources, planned: planned)
        #expect(conflicts.map(\.field) == ["spec.serviceAccount.name", "spec.role.name"], "\(conflicts.map(\.line))")
        #expect(conflicts.allSatisfy { $0.source == directory.file("b.yaml") })
        #expect(conflicts.first?.message.contains("ServiceAccountConflict") == true)
        #expect(PlanReport.exitStatus(for: planned, problems: conflicts) == 1)
    }
}
