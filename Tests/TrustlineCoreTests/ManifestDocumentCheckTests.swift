import KubeModels
import Testing
@testable import TrustlineCore

/// The pre-guardrail gate of `trustline plan` (ManifestDocumentCheck, StructuralSchemaValidator)
/// against the repository's own CRD, read through python3 as ManifestTests reads it: one row
/// per broken manifest of issue 12, with the field and the words the message must carry.
@Suite struct ManifestDocumentCheckTests {
    static func check() async throws -> ManifestDocumentCheck {
        ManifestDocumentCheck(resource: try CustomResourceSchema(crd: try await ManifestTests.crd()))
    }

    static let valid: JSONValue = [
        "apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess",
        "metadata": ["name": "my-app", "namespace": "production"],
        "spec": [
            "serviceAccount": ["name": "my-app"],
            "inlinePolicies": [["name": "s3", "document": ["Version": "2012-10-17", "Statement": [], "Anything": ["goes": true]]]],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            "role": ["maxSessionDurationSeconds": 7200, "tags": ["team": "payments"]],
            "deletionPolicy": "Retain",
        ],
    ]

    /// `valid` with the member at `path` (dot-separated, numeric parts index arrays) set or removed.
    static func with(_ path: String, _ value: JSONValue?, in root: JSONValue = valid) -> JSONValue {
        let parts = path.split(separator: ".").map(String.init)
        func set(_ node: JSONValue, _ rest: ArraySlice<String>) -> JSONValue {
            guard let head = rest.first else { return value ?? .null }
            if case .array(var items) = node, let index = Int(head) {
                items[index] = set(items[index], rest.dropFirst())
                return .array(items)
            }
            guard case .object(var members) = node else { return node }
            if rest.count == 1 && value == nil {
                members[head] = nil
            } else {
                members[head] = set(members[head] ?? [:], rest.dropFirst())
            }
            return .object(members)
        }
        return set(root, parts[...])
    }

    struct Row: CustomTestStringConvertible, Sendable {
        var label: String
        var document: JSONValue
        var field: String
        var words: [String]
        var testDescription: String { label }
    }

    static let refused: [Row] = [
        Row(label: "no spec", document: with("spec", nil), field: "spec", words: ["required"]),
        Row(label: "unknown field trustPolicy", document: with("spec.trustPolicy", ["Version": "2012-10-17"]), field: "spec.trustPolicy",
            words: ["unknown field \"trustPolicy\"", "strict field validation"]),
        Row(label: "typo inlinePolicy", document: with("spec.inlinePolicy", []), field: "spec.inlinePolicy",
            words: ["unknown field", "did you mean \"inlinePolicies\"?"]),
        Row(label: "unknown field deep inside", document: with("spec.role.maxSession", 3600), field: "spec.role.maxSession",
            words: ["did you mean \"maxSessionDurationSeconds\"?"]),
        Row(label: "integer as a quoted string", document: with("spec.role.maxSessionDurationSeconds", "7200"),
            field: "spec.role.maxSessionDurationSeconds", words: ["must be of type integer", "\"7200\"", "without quotes"]),
        Row(label: "fractional integer", document: with("spec.tokenExpirationSeconds", 700.5), field: "spec.tokenExpirationSeconds",
            words: ["must be of type integer"]),
        Row(label: "spec is a string", document: with("spec", "not a mapping"), field: "spec", words: ["must be of type object"]),
        Row(label: "enum", document: with("spec.deletionPolicy", "Orphan"), field: "spec.deletionPolicy",
            words: ["\"Orphan\" is not supported", "\"Delete\", \"Retain\""]),
        Row(label: "below minimum", document: with("spec.role.maxSessionDurationSeconds", 60), field: "spec.role.maxSessionDurationSeconds",
            words: ["below the minimum 3600", "3600 to 43200"]),
        Row(label: "above maximum", document: with("spec.tokenExpirationSeconds", 100000), field: "spec.tokenExpirationSeconds",
            words: ["above the maximum 86400"]),
        Row(label: "pattern", document: with("spec.serviceAccount.name", "My_App"), field: "spec.serviceAccount.name",
            words: ["does not match the pattern"]),
        Row(label: "maxLength", document: with("spec.role.name", .string(String(repeating: "a", count: 65))), field: "spec.role.name",
            words: ["65 characters long", "at most 64"]),
        Row(label: "minLength", document: with("spec.audience", ""), field: "spec.audience", words: ["at least 1"]),
        Row(label: "maxItems", document: with("spec.managedPolicyArns", .array((0..<21).map { .string("arn:aws:iam::aws:policy/P\($0)") })),
            field: "spec.managedPolicyArns", words: ["21 items", "at most 20"]),
        Row(label: "set duplicates", document: with("spec.managedPolicyArns", ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/A"]),
            field: "spec.managedPolicyArns[1]", words: ["duplicates spec.managedPolicyArns[0]"]),
        Row(label: "map-list duplicate names", document: with("spec.inlinePolicies", [["name": "a", "document": [:]], ["name": "a", "document": [:]]]),
            field: "spec.inlinePolicies[1]", words: ["duplicates spec.inlinePolicies[0]", "name \"a\""]),
        Row(label: "required item field", document: with("spec.inlinePolicies.0.document", nil), field: "spec.inlinePolicies[0].document",
            words: ["required"]),
        Row(label: "additionalProperties pattern", document: with("spec.role.tags", ["team": "a|b"]), field: "spec.role.tags.team",
            words: ["does not match"]),
        Row(label: "no name", document: with("metadata.name", nil), field: "metadata.name", words: ["needs a name"]),
        Row(label: "unserved version v1beta1", document: with("apiVersion", "trustline.dev/v1beta1"), field: "apiVersion",
            words: ["\"trustline.dev/v1beta1\" is not served", "trustline.dev/v1alpha1"]),
        Row(label: "our group without a version", document: with("apiVersion", "trustline.dev"), field: "apiVersion",
            words: ["\"trustline.dev\" is not served", "use trustline.dev/v1alpha1"]),
        Row(label: "another kind in our group", document: with("kind", "AwsAccess"), field: "kind", words: ["has no kind \"AwsAccess\"", "WorkloadAwsAccess"]),
        Row(label: "no kind", document: with("kind", nil), field: "kind", words: ["not set"]),
        Row(label: "a YAML list at top level", document: [valid, valid], field: "", words: ["YAML list", "kind: List"]),
    ]

    @Test(arguments: refused)
    func refusedWithTheFieldAndWhatToDo(_ row: Row) async throws {
        let verdict = try await Self.check().check(row.document)
        guard case .refused(let problems) = verdict else {
            Issue.record("\(row.label): \(verdict) is not a refusal")
            return
        }
        let problem = try #require(problems.first { $0.field == row.field }, "\(problems)")
        #expect(problem.severity == .error)
        for word in row.words {
            #expect(problem.message.contains(word), "\(problem.message) lacks \(word)")
        }
    }

    @Test func theValidDocumentIsAcceptedAndNullCountsAsAbsent() async throws {
        let check = try await Self.check()
        #expect(check.check(Self.valid) == .accepted)
        #expect(check.check(Self.with("spec.audience", .null)) == .accepted, "the API server prunes a null of a non-nullable field")
        #expect(check.check(Self.with("spec", [:])) == .accepted, "every spec field is optional")
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() async throws {
        let broken = Self.with("spec.deletionPolicy", "Keep", in: Self.with("spec.trustPolicy", [:], in: Self.with("spec.audience", "")))
        guard case .refused(let problems) = try await Self.check().check(broken) else {
            Issue.record("not refused")
            return
        }
        #expect(Set(problems.map(\.field)) == ["spec.deletionPolicy", "spec.trustPolicy", "spec.audience"])
    }

    @Test(arguments: ["WorkloadAWSAccess", "workloadawsaccess", "WorkloadAwsAcess", "WorkloadAwsAccesss"])
    func aKindOneEditAwayIsSkippedWithAWarningNamingTheRightKind(_ kind: String) async throws {
        let document = Self.with("kind", .string(kind), in: Self.with("apiVersion", "example.com/v1"))
        guard case .skipped(let warnings) = try await Self.check().check(document) else {
            Issue.record("not skipped")
            return
        }
        #expect(warnings.count == 1)
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.message.contains("kind: WorkloadAwsAccess") == true)
    }

    @Test func otherKindsAreSkippedSilently() async throws {
        let check = try await Self.check()
        #expect(check.check(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x"]]) == .skipped([]))
        #expect(check.check(["apiVersion": "apps/v1", "kind": "Deployment", "spec": ["anything": 1]]) == .skipped([]))
    }

    @Test func listItemsAreReadOnlyFromListKinds() {
        #expect(ManifestDocumentCheck.listItems(["apiVersion": "v1", "kind": "List", "items": [Self.valid]]) == [Self.valid])
        #expect(ManifestDocumentCheck.listItems(["apiVersion": "v1", "kind": "ConfigMap", "items": [Self.valid]]) == nil)
        #expect(ManifestDocumentCheck.listItems(Self.valid) == nil)
    }

    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0), ("WorkloadAwsAccess", "WorkloadAWSAccess", 2), ("inlinePolicy", "inlinePolicies", 3),
    ])
    func editDistance(_ a: String, _ b: String, _ distance: Int) {
        #expect(EditDistance.between(a, b) == distance)
        #expect(EditDistance.between(b, a) == distance)
    }

    @Test func noSuggestionForAFarWord() {
        #expect(EditDistance.closest(to: "trustPolicy", among: ["serviceAccount", "role", "audience", "inlinePolicies"]) == nil)
    }
}
