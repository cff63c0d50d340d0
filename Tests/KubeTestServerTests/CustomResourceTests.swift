import Foundation
import Testing
@testable import KubeTestServer

@Suite struct CustomResourceTests {
    static let path = ServerFixture.crPath

    static func resource(_ name: String, spec: JSONValue = ["role": [:]]) -> JSONValue {
        ["apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "metadata": ["name": .string(name)], "spec": spec]
    }

    @Test func crdIsEstablishedAndServed() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let crd = try await fixture.curl("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workloadawsaccesses.trustline.dev")
            let conditions = crd.body[path: ["status", "conditions"]]?.arrayValue ?? []
            #expect(conditions.first { $0["type"] == "Established" }?["status"] == "True")
            #expect(conditions.first { $0["type"] == "NamesAccepted" }?["status"] == "True")
            let resources = try await fixture.curl("GET", "/apis/trustline.dev/v1alpha1")
            let entry = resources.body["resources"]?.arrayValue?.first { $0["name"] == "workloadawsaccesses" }
            #expect(entry?["shortNames"] == ["awsaccess"])
            #expect(entry?["categories"] == ["trustline"])
            #expect(entry?["kind"] == "WorkloadAwsAccess")
            #expect(entry?["singularName"] == "workloadawsaccess")
            #expect(resources.body["resources"]?.arrayValue?.contains { $0["name"] == "workloadawsaccesses/status" } == true)
        }
    }

    @Test func defaultsGenerationAndStatusSubresource() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            var body = Self.resource("app", spec: ["role": ["tags": ["team": "payments"]], "unknownField": "pruned"])
            body["status"] = ["roleArn": "ignored-on-create"]
            let created = try await fixture.curl("POST", Self.path, json: body)
            #expect(created.status == 201, "\(created.raw)")
            #expect(created.body[path: ["spec", "audience"]] == "sts.amazonaws.com")
            #expect(created.body[path: ["spec", "deletionPolicy"]] == "Delete")
            #expect(created.body[path: ["spec", "role", "maxSessionDurationSeconds"]] == 3600)
            #expect(created.body[path: ["spec", "serviceAccount", "create"]] == true)
            #expect(created.body[path: ["spec", "unknownField"]] == nil)
            #expect(created.body["status"] == nil)
            #expect(created.body[path: ["metadata", "generation"]] == 1)

            // Status through the main endpoint is ignored; a label change does not bump generation.
            var update = created.body
            update["status"] = ["roleArn": "sneaky"]
            update[path: ["metadata", "labels"]] = ["tier": "gold"]
            let relabeled = try await fixture.curl("PUT", Self.path + "/app", json: update)
            #expect(relabeled.status == 200)
            #expect(relabeled.body["status"] == nil)
            #expect(relabeled.body[path: ["metadata", "labels", "tier"]] == "gold")
            #expect(relabeled.body[path: ["metadata", "generation"]] == 1)

            // /status ignores spec changes and does not bump generation.
            var statusUpdate = relabeled.body
            statusUpdate["status"] = ["roleArn": "arn:aws:iam::123456789012:role/app", "observedGeneration": 1]
            statusUpdate[path: ["spec", "audience"]] = "changed-through-status"
            let statusWritten = try await fixture.curl("PUT", Self.path + "/app/status", json: statusUpdate)
            #expect(statusWritten.status == 200)
            #expect(statusWritten.body[path: ["status", "roleArn"]] == "arn:aws:iam::123456789012:role/app")
            #expect(statusWritten.body[path: ["spec", "audience"]] == "sts.amazonaws.com")
            #expect(statusWritten.body[path: ["metadata", "generation"]] == 1)

            // A spec change bumps generation and keeps status.
            let specPatch = try await fixture.curl(
                "PATCH", Self.path + "/app", json: ["spec": ["audience": "other"]], contentType: "application/merge-patch+json")
            #expect(specPatch.status == 200)
            #expect(specPatch.body[path: ["metadata", "generation"]] == 2)
            #expect(specPatch.body[path: ["status", "roleArn"]] == "arn:aws:iam::123456789012:role/app")

            // A no-op patch changes nothing, not even the resourceVersion.
            let noOp = try await fixture.curl(
                "PATCH", Self.path + "/app", json: ["spec": ["audience": "other"]], contentType: "application/merge-patch+json")
            #expect(noOp.body[path: ["metadata", "resourceVersion"]] == specPatch.body[path: ["metadata", "resourceVersion"]])

            let strict = try await fixture.curl(
                "POST", Self.path + "?fieldValidation=Strict", json: Self.resource("strict", spec: ["role": [:], "audiance": "typo"]))
            #expect(strict.status == 400)
            #expect(strict.body["message"] == "strict decoding error: unknown field \"spec.audiance\"")

            let withoutVersion = try await fixture.curl("PUT", Self.path + "/app", json: Self.resource("app"))
            #expect(withoutVersion.status == 422)
            #expect(withoutVersion.body[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "metadata.resourceVersion")
        }
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var spec: JSONValue
        var field: String
        var reason: String
        var messagePart: String
        var testDescription: String { field }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(spec: ["role": ["maxSessionDurationSeconds": 100]], field: "spec.role.maxSessionDurationSeconds",
                    reason: "FieldValueInvalid", messagePart: "Invalid value: 100: spec.role.maxSessionDurationSeconds in body should be greater than or equal to 3600"),
        InvalidCase(spec: ["role": ["maxSessionDurationSeconds": 50000]], field: "spec.role.maxSessionDurationSeconds",
                    reason: "FieldValueInvalid", messagePart: "should be less than or equal to 43200"),
        InvalidCase(spec: ["role": [:], "deletionPolicy": "Keep"], field: "spec.deletionPolicy",
                    reason: "FieldValueNotSupported", messagePart: "Unsupported value: \"Keep\": supported values: \"Delete\", \"Retain\""),
        InvalidCase(spec: ["audience": "x"], field: "spec.role", reason: "FieldValueRequired", messagePart: "Required value"),
        InvalidCase(spec: ["role": [:], "managedPolicyArns": ["not-an-arn"]], field: "spec.managedPolicyArns[0]",
                    reason: "FieldValueInvalid", messagePart: "should match"),
        InvalidCase(spec: ["role": [:], "tokenExpirationSeconds": "soon"], field: "spec.tokenExpirationSeconds",
                    reason: "FieldValueInvalid", messagePart: "must be of type integer"),
        InvalidCase(spec: ["role": ["name": .string(String(repeating: "r", count: 65))]], field: "spec.role.name",
                    reason: "FieldValueTooLong", messagePart: "may not be more than 64"),
        InvalidCase(spec: ["role": [:], "inlinePolicies": [["name": "p"]]], field: "spec.inlinePolicies[0].document",
                    reason: "FieldValueRequired", messagePart: "Required value"),
        InvalidCase(spec: ["role": [:], "audience": ""], field: "spec.audience",
                    reason: "FieldValueInvalid", messagePart: "should be at least 1 chars long"),
        InvalidCase(spec: ["role": [:], "managedPolicyArns": .array((0..<11).map { .string("arn:aws:iam::aws:policy/P\($0)") })],
                    field: "spec.managedPolicyArns", reason: "FieldValueTooMany", messagePart: "must have at most 10 items"),
        InvalidCase(spec: ["role": ["tags": ["Trustline.dev/owner": "me"]]], field: "spec.role.tags",
                    reason: "FieldValueInvalid", messagePart: "Invalid value: \"object\": tag keys under trustline.dev/ are reserved"),
        InvalidCase(spec: ["role": [:], "inlinePolicies": [["name": "p", "document": [:]], ["name": "p", "document": [:]]]],
                    field: "spec.inlinePolicies", reason: "FieldValueInvalid", messagePart: "inline policy names must be unique"),
    ]

    @Test(arguments: invalidCases)
    func schemaViolationIs422NamingTheField(_ invalid: InvalidCase) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let result = try await fixture.curl("POST", Self.path, json: Self.resource("bad", spec: invalid.spec))
            #expect(result.status == 422, "\(result.raw)")
            #expect(result.body["reason"] == "Invalid")
            #expect(result.body[path: ["details", "kind"]] == "WorkloadAwsAccess")
            #expect(result.body[path: ["details", "group"]] == "trustline.dev")
            let cause = try #require(result.body[path: ["details", "causes"]]?.arrayValue?.first)
            #expect(cause["field"]?.stringValue == invalid.field)
            #expect(cause["reason"]?.stringValue == invalid.reason)
            #expect(cause["message"]?.stringValue?.contains(invalid.messagePart) == true, "\(cause)")
            #expect(result.body["message"]?.stringValue?.hasPrefix("WorkloadAwsAccess.trustline.dev \"bad\" is invalid: \(invalid.field): ") == true)
        }
    }

    @Test func patchFormats() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let applied = try await fixture.curl(
                "PATCH", Self.path + "/applied?fieldManager=trustline&force=true",
                body: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata:\n  name: applied\nspec:\n  role:\n    tags: {team: a}\n",
                contentType: "application/apply-patch+yaml")
            #expect(applied.status == 201, "\(applied.raw)")
            let reapplied = try await fixture.curl(
                "PATCH", Self.path + "/applied?fieldManager=trustline",
                body: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata:\n  name: applied\n  labels: {x: y}\nspec:\n  audience: a2\n",
                contentType: "application/apply-patch+yaml")
            #expect(reapplied.status == 200)
            #expect(reapplied.body[path: ["spec", "audience"]] == "a2")
            // The same manager no longer sets spec.role.tags, so server-side apply removes it.
            #expect(reapplied.body[path: ["spec", "role", "tags", "team"]] == nil)
            #expect(reapplied.body[path: ["spec", "role", "maxSessionDurationSeconds"]] == 3600)
            #expect(reapplied.body[path: ["metadata", "labels", "x"]] == "y")

            let noManager = try await fixture.curl(
                "PATCH", Self.path + "/applied", body: "metadata: {name: applied}", contentType: "application/apply-patch+yaml")
            #expect(noManager.status == 422)

            let jsonPatched = try await fixture.curl(
                "PATCH", Self.path + "/applied",
                json: [["op": "add", "path": "/metadata/finalizers", "value": ["trustline.dev/cleanup"]],
                       ["op": "replace", "path": "/spec/audience", "value": "a3"]],
                contentType: "application/json-patch+json")
            #expect(jsonPatched.status == 200)
            #expect(jsonPatched.body[path: ["metadata", "finalizers"]] == ["trustline.dev/cleanup"])
            #expect(jsonPatched.body[path: ["spec", "audience"]] == "a3")

            let failedTest = try await fixture.curl(
                "PATCH", Self.path + "/applied", json: [["op": "test", "path": "/spec/audience", "value": "nope"]],
                contentType: "application/json-patch+json")
            #expect(failedTest.status == 422)

            let strategic = try await fixture.curl(
                "PATCH", Self.path + "/applied", json: ["spec": ["audience": "x"]], contentType: "application/strategic-merge-patch+json")
            #expect(strategic.status == 415)
            #expect(strategic.body["reason"] == "UnsupportedMediaType")

            let staleMerge = try await fixture.curl(
                "PATCH", Self.path + "/applied", json: ["metadata": ["resourceVersion": "1"], "spec": ["audience": "x"]],
                contentType: "application/merge-patch+json")
            #expect(staleMerge.status == 409)

            let statusApply = try await fixture.curl(
                "PATCH", Self.path + "/applied/status?fieldManager=trustline",
                body: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata: {name: applied}\nstatus:\n  conditions:\n  - {type: Ready, status: \"False\", reason: RoleConflict}\n  - {type: RoleReady, status: \"False\", reason: RoleConflict}\n",
                contentType: "application/apply-patch+yaml")
            #expect(statusApply.status == 200)
            let statusApply2 = try await fixture.curl(
                "PATCH", Self.path + "/applied/status?fieldManager=trustline",
                body: "apiVersion: trustline.dev/v1alpha1\nkind: WorkloadAwsAccess\nmetadata: {name: applied}\nstatus:\n  conditions:\n  - {type: Ready, status: \"True\", reason: Converged}\n",
                contentType: "application/apply-patch+yaml")
            let conditions = statusApply2.body[path: ["status", "conditions"]]?.arrayValue ?? []
            #expect(conditions.count == 2)
            #expect(conditions.first { $0["type"] == "Ready" }?["reason"] == "Converged")
        }
    }

    @Test func listAcrossNamespacesAndDeleteCRDRemovesObjects() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            #expect(try await fixture.curl("POST", "/api/v1/namespaces", json: ["metadata": ["name": "other"]]).status == 201)
            #expect(try await fixture.curl("POST", Self.path, json: Self.resource("one")).status == 201)
            #expect(try await fixture.curl("POST", "/apis/trustline.dev/v1alpha1/namespaces/other/workloadawsaccesses", json: Self.resource("two")).status == 201)
            let all = try await fixture.curl("GET", "/apis/trustline.dev/v1alpha1/workloadawsaccesses")
            #expect(all.body["kind"] == "WorkloadAwsAccessList")
            #expect(all.body["items"]?.arrayValue?.map { "\($0.namespace ?? "")/\($0.name)" } == ["default/one", "other/two"])
            let held = try await fixture.curl(
                "PATCH", Self.path + "/one", json: ["metadata": ["finalizers": ["trustline.dev/cleanup"]]], contentType: "application/merge-patch+json")
            #expect(held.status == 200)

            // The CRD waits for its objects, which wait for their finalizers.
            let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workloadawsaccesses.trustline.dev"
            let deleted = try await fixture.curl("DELETE", crdPath)
            #expect(deleted.status == 200)
            #expect(deleted.body[path: ["metadata", "deletionTimestamp"]] != nil)
            #expect(try await fixture.curl("GET", "/apis/trustline.dev/v1alpha1/namespaces/other/workloadawsaccesses/two").status == 404)
            let marked = try await fixture.curl("GET", Self.path + "/one")
            #expect(marked.body[path: ["metadata", "deletionTimestamp"]] != nil)
            let refused = try await fixture.curl("POST", Self.path, json: Self.resource("three"))
            #expect(refused.status == 405)
            _ = try await fixture.curl(
                "PATCH", Self.path + "/one", json: ["metadata": ["finalizers": nil]], contentType: "application/merge-patch+json")
            #expect(try await fixture.curl("GET", crdPath).status == 404)
            #expect(try await fixture.curl("GET", "/apis/trustline.dev/v1alpha1/workloadawsaccesses").status == 404)
        }
    }
}
