import Foundation
import TestSupport
import Testing

extension EndToEndSuite {
    /// `trustline plan` as a pull-request gate (issue 12): each broken manifest of the issue, with
    /// the exact exit status and problem line of the built binary, and the same file sent to
    /// kube-test-server by `kubectl apply --dry-run=server` (strict field validation, the CRD of
    /// `crds/`) in the same test, so plan and the API server cannot drift apart unnoticed: every
    /// manifest the server refuses, plan refuses too.
    @Suite("End to end: trustline plan gates manifests the API server would refuse")
    struct PlanGateTests {
        static func manifest(_ name: String = "gate", spec: String = "  serviceAccount: {name: gate}\n", head: String? = nil) -> String {
            (head ?? "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\n")
                + "metadata:\n  name: \(name)\n  namespace: production\nspec:\n" + spec
        }

        /// What the API server does with the file.
        enum Server: Sendable {
            case accepts
            case refuses(mentioning: String)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            var label: String
            var yaml: String
            var exitStatus: Int32
            /// Lines plan must print, with `FILE` standing for the manifest's path.
            var lines: [String]
            var server: Server
            var testDescription: String { label }
        }

        static let cases: [Case] = [
            Case(label: "a clean manifest", yaml: manifest(), exitStatus: 0, lines: ["1 resource(s), 0 refused"], server: .accepts),
            Case(
                label: "no spec", yaml: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata: {name: gate, namespace: production}\n",
                exitStatus: 1, lines: ["FILE: error: spec: required; add it"], server: .refuses(mentioning: "spec")),
            Case(
                label: "unknown field trustPolicy", yaml: manifest(spec: "  trustPolicy: {Version: \"2012-10-17\"}\n"), exitStatus: 1,
                lines: [
                    "FILE: error: spec.trustPolicy: unknown field \"trustPolicy\": the API server refuses it (strict field validation); remove it or use one of audience, deletionPolicy, inlinePolicies, managedPolicyArns, role, serviceAccount, stsRegionalEndpoints, tokenExpirationSeconds"
                ],
                server: .refuses(mentioning: "trustPolicy")),
            Case(
                label: "the typo inlinePolicy", yaml: manifest(spec: "  inlinePolicy: []\n"), exitStatus: 1,
                lines: ["FILE: error: spec.inlinePolicy: unknown field \"inlinePolicy\": the API server refuses it (strict field validation); did you mean \"inlinePolicies\"?"],
                server: .refuses(mentioning: "inlinePolicy")),
            Case(
                label: "apiVersion trustline.dev/v1beta1", yaml: manifest(head: "apiVersion: trustline.dev/v1beta1\nkind: WorkloadAwsAccess\n"),
                exitStatus: 1, lines: ["FILE: error: apiVersion: \"trustline.dev/v1beta1\" is not served by the CRD; use trustline.dev/v1alpha1"],
                server: .refuses(mentioning: "v1beta1")),
            Case(
                label: "the kind typo WorkloadAWSAccess", yaml: manifest(head: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAWSAccess\n"),
                exitStatus: 1, lines: ["FILE: error: kind: trustline.dev has no kind \"WorkloadAWSAccess\"; use kind: WorkloadAwsAccess"],
                server: .refuses(mentioning: "WorkloadAWSAccess")),
            Case(
                label: "a quoted number", yaml: manifest(spec: "  role: {maxSessionDurationSeconds: \"7200\"}\n"), exitStatus: 1,
                lines: ["FILE: error: spec.role.maxSessionDurationSeconds: must be of type integer, not \"7200\"; write a whole number without quotes"],
                server: .refuses(mentioning: "maxSessionDurationSeconds")),
            Case(
                label: "an enum value", yaml: manifest(spec: "  deletionPolicy: Orphan\n"), exitStatus: 1,
                lines: ["FILE: error: spec.deletionPolicy: \"Orphan\" is not supported; use one of \"Delete\", \"Retain\""],
                server: .refuses(mentioning: "deletionPolicy")),
            Case(
                label: "below a minimum", yaml: manifest(spec: "  tokenExpirationSeconds: 60\n"), exitStatus: 1,
                lines: ["FILE: error: spec.tokenExpirationSeconds: 60 is below the minimum 600; use a value from 600 to 86400"],
                server: .refuses(mentioning: "tokenExpirationSeconds")),
            Case(
                label: "a pattern", yaml: manifest(spec: "  serviceAccount: {name: My_App}\n"), exitStatus: 1,
                lines: ["FILE: error: spec.serviceAccount.name: \"My_App\" does not match the pattern '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$'"],
                server: .refuses(mentioning: "serviceAccount.name")),
            Case(
                label: "no metadata.name", yaml: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata: {namespace: production}\nspec: {}\n",
                exitStatus: 1, lines: ["FILE: error: metadata.name: required: the resource needs a name (a string); add metadata.name"],
                server: .refuses(mentioning: "name")),
            Case(
                label: "bad YAML", yaml: manifest(spec: "  managedPolicyArns: [unclosed\n"), exitStatus: 1,
                lines: ["FILE: error: is not valid YAML"], server: .refuses(mentioning: "error converting YAML to JSON")),
            Case(
                label: "a YAML list of documents", yaml: "- " + manifest().replacingOccurrences(of: "\n", with: "\n  ") + "\n", exitStatus: 1,
                lines: [
                    "FILE: error: the document is a YAML list, not a Kubernetes object; write each object as its own document (separated by ---) or wrap them in apiVersion: v1, kind: List, items: [...]"
                ],
                server: .refuses(mentioning: "invalid object to validate")),
            Case(
                label: "a List whose second item is broken",
                yaml: "apiVersion: v1\nkind: List\nitems:\n- " + manifest("first").replacingOccurrences(of: "\n", with: "\n  ")
                    + "\n- " + manifest("second", spec: "  audience: \"\"\n").replacingOccurrences(of: "\n", with: "\n  ") + "\n",
                exitStatus: 1, lines: ["FILE#0.items[1]: error: spec.audience: is 0 characters long; at least 1 are needed", "1 resource(s), 0 refused, 2 manifest error(s)"],
                server: .refuses(mentioning: "audience")),
            Case(
                label: "a broken document does not hide the next",
                yaml: manifest("broken", spec: "  deletionPolicy: Keep\n") + "---\n" + manifest("fine"),
                exitStatus: 1, lines: ["FILE#0: error: spec.deletionPolicy: \"Keep\" is not supported; use one of \"Delete\", \"Retain\"", "production/fine  (FILE#1)"],
                server: .refuses(mentioning: "deletionPolicy")),
            Case(
                label: "two resources on one ServiceAccount", yaml: manifest("first") + "---\n" + manifest("second"), exitStatus: 1,
                lines: [
                    "FILE#1: error: spec.serviceAccount.name: ServiceAccount production/gate is also claimed by production/first (FILE#0), which comes first; the operator would leave this resource with ServiceAccountConflict; give each resource its own ServiceAccount"
                ],
                server: .accepts),
            Case(
                label: "a guardrail violation the API server cannot know",
                yaml: manifest(spec: "  managedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n"), exitStatus: 1,
                lines: ["REFUSED: GuardrailViolation"], server: .accepts),
            Case(
                label: "a kind one edit away in another group is skipped with a warning",
                yaml: manifest(head: "apiVersion: example.com/v1\nkind: WorkloadAwsAcess\n"), exitStatus: 0,
                lines: [
                    "FILE: warning: kind: \"WorkloadAwsAcess\" is one edit away from WorkloadAwsAccess and was skipped; if it is meant to be a Trustline resource, write kind: WorkloadAwsAccess and apiVersion: trustline.dev/v1alpha1",
                    "0 resource(s), 0 refused, 1 warning(s)",
                ],
                server: .refuses(mentioning: "WorkloadAwsAcess")),
        ]

        @Test("each broken manifest: plan's exit status and lines, the JSON report, and the API server's verdict on the same file")
        func brokenManifestsAgainstTheAPIServer() async throws {
            try await TestCluster.with { cluster in
                let binary = try TestTools.trustlineBinary()
                let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRUSTLINE_") }
                for (index, row) in Self.cases.enumerated() {
                    let file = (cluster.directory as NSString).appendingPathComponent("case-\(index).yaml")
                    try row.yaml.write(toFile: file, atomically: true, encoding: .utf8)

                    let text = try await Command.run(binary, ["plan", "--cluster-name", "e2e", file], environment: environment)
                    #expect(text.status == row.exitStatus, "\(row.label): \(text.outputText)\(text.errorText)")
                    for line in row.lines.map({ $0.replacingOccurrences(of: "FILE", with: file) }) {
                        #expect(text.outputText.contains(line), "\(row.label): missing\n\(line)\nin\n\(text.outputText)")
                    }

                    let json = try await Command.run(binary, ["plan", "--cluster-name", "e2e", "--output", "json", file], environment: environment)
                    #expect(json.status == row.exitStatus, "\(row.label) --output json: \(json.errorText)")
                    let report = try JSONSerialization.jsonObject(with: json.output) as? [String: Any]
                    #expect(report != nil, "\(row.label): stdout is not a JSON object: \(json.outputText)")
                    let errors = report?["errors"] as? Int ?? -1
                    let refused = report?["refused"] as? Int ?? -1
                    #expect((errors + refused > 0) == (row.exitStatus == 1), "\(row.label): errors \(errors), refused \(refused)")

                    let server = try await cluster.kubectl(["apply", "--dry-run=server", "-f", file])
                    switch row.server {
                    case .accepts:
                        #expect(server.status == 0, "\(row.label): the API server refused what the row says it accepts: \(server.output)")
                    case .refuses(let mentioning):
                        #expect(server.status != 0, "\(row.label): the API server accepted it: \(server.output)")
                        #expect(server.output.contains(mentioning), "\(row.label): the API server's refusal does not name \(mentioning): \(server.output)")
                    }
                    // The gate's promise: what the API server refuses, plan refuses (a kind of
                    // another group is not plan's to judge: that CRD may exist in the cluster).
                    if server.status != 0 && !row.yaml.contains("example.com/") {
                        #expect(text.status == 1, "\(row.label): the API server refused it but plan exited \(text.status): \(server.output)")
                    }
                }
            }
        }

        @Test("plan - reads standard input; usage errors still print a JSON report with --output json")
        func standardInputAndJSONUsageErrors() async throws {
            let binary = try TestTools.trustlineBinary()
            let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRUSTLINE_") }
            let piped = try await Command.run(
                binary, ["plan", "--cluster-name", "e2e", "-"], environment: environment, input: Data(Self.manifest("piped").utf8))
            #expect(piped.status == 0, "\(piped.outputText)\(piped.errorText)")
            #expect(piped.outputText.contains("production/piped  (stdin)"), "\(piped.outputText)")
            #expect(piped.outputText.contains("role: e2e.production.piped"), "\(piped.outputText)")

            let broken = try await Command.run(
                binary, ["plan", "--output", "json", "-"], environment: environment, input: Data(Self.manifest(spec: "  trustPolicy: {}\n").utf8))
            #expect(broken.status == 1)
            let report = try #require(try JSONSerialization.jsonObject(with: broken.output) as? [String: Any], "\(broken.outputText)")
            let problems = try #require(report["problems"] as? [[String: Any]])
            #expect(problems.first?["source"] as? String == "stdin")
            #expect(problems.first?["field"] as? String == "spec.trustPolicy")
            #expect(broken.errorText.contains("stdin: error: spec.trustPolicy: unknown field"), "problems also go to stderr for people: \(broken.errorText)")

            let missing = "/nonexistent/trustline-\(UUID().uuidString).yaml"
            let usage = try await Command.run(binary, ["plan", "--output", "json", missing], environment: environment)
            #expect(usage.status == 2)
            let usageReport = try #require(try JSONSerialization.jsonObject(with: usage.output) as? [String: Any], "\(usage.outputText)")
            #expect((usageReport["usageError"] as? String)?.contains(missing) == true)
            #expect(usage.errorText.contains("no such file or directory"))
        }
    }
}
