import Foundation
import Testing
@testable import KubeTestServer

@Suite struct FinalizerAndGarbageCollectionTests {
    static let path = ServerFixture.crPath

    @Test func finalizerHoldsDeletionUntilRemoved() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let created = try await fixture.curl(
                "POST", Self.path,
                json: CustomResourceTests.resource("held").merging(["metadata": ["name": "held", "finalizers": ["trustline.dev/cleanup"]]]))
            #expect(created.status == 201)
            let start = try #require(created.body.resourceVersionNumber)

            let wrongUID = try await fixture.curl("DELETE", Self.path + "/held", json: ["preconditions": ["uid": "not-the-uid"]])
            #expect(wrongUID.status == 409)
            #expect(wrongUID.body["message"]?.stringValue?.contains("Precondition failed: UID in precondition: not-the-uid") == true)

            let marked = try await fixture.curl("DELETE", Self.path + "/held", json: ["preconditions": ["uid": created.body[path: ["metadata", "uid"]] ?? ""]])
            #expect(marked.status == 200)
            #expect(marked.body[path: ["metadata", "deletionTimestamp"]] != nil)
            let stillThere = try await fixture.curl("GET", Self.path + "/held")
            #expect(stillThere.status == 200)
            #expect(stillThere.body[path: ["metadata", "deletionTimestamp"]] != nil)

            let addFinalizer = try await fixture.curl(
                "PATCH", Self.path + "/held", json: ["metadata": ["finalizers": ["trustline.dev/cleanup", "other"]]],
                contentType: "application/merge-patch+json")
            #expect(addFinalizer.status == 422)

            let released = try await fixture.curl(
                "PATCH", Self.path + "/held", json: ["metadata": ["finalizers": nil]], contentType: "application/merge-patch+json")
            #expect(released.status == 200)
            #expect(try await fixture.curl("GET", Self.path + "/held").status == 404)

            let events = try await fixture.watchEvents(Self.path + "?watch=true&resourceVersion=\(start)&timeoutSeconds=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["MODIFIED", "DELETED"])
        }
    }

    @Test func dependentsAreCollectedWhenTheirOwnerGoes() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let owner = try await fixture.curl("POST", Self.path, json: CustomResourceTests.resource("owner"))
            let ownerReference: JSONValue = [
                "apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "name": "owner",
                "uid": owner.body[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true,
            ]
            let accounts = "/api/v1/namespaces/default/serviceaccounts"
            #expect(try await fixture.curl("POST", accounts, json: ["metadata": ["name": "owned", "ownerReferences": [ownerReference]]]).status == 201)
            #expect(try await fixture.curl("POST", accounts, json: ["metadata": ["name": "annotated-only"]]).status == 201)
            let stored = try await fixture.curl("GET", accounts + "/owned")
            #expect(stored.body[path: ["metadata", "ownerReferences"]] == [ownerReference])

            #expect(try await fixture.curl("DELETE", Self.path + "/owner").status == 200)
            #expect(try await fixture.curl("GET", accounts + "/owned").status == 404)
            #expect(try await fixture.curl("GET", accounts + "/annotated-only").status == 200)
        }
    }

    @Test func foregroundDeletionWaitsForDependents() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let owner = try await fixture.curl("POST", Self.path, json: CustomResourceTests.resource("owner"))
            let start = try #require(owner.body.resourceVersionNumber)
            let reference: JSONValue = ["apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "name": "owner",
                                        "uid": owner.body[path: ["metadata", "uid"]] ?? "", "blockOwnerDeletion": true]
            let accounts = "/api/v1/namespaces/default/serviceaccounts"
            _ = try await fixture.curl("POST", accounts, json: ["metadata": ["name": "held", "ownerReferences": [reference], "finalizers": ["example.com/hold"]]])
            _ = try await fixture.curl("POST", accounts, json: ["metadata": ["name": "plain", "ownerReferences": [reference]]])

            let deleted = try await fixture.curl("DELETE", Self.path + "/owner", json: ["propagationPolicy": "Foreground"])
            #expect(deleted.status == 200)
            #expect(deleted.body[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
            #expect(try await fixture.curl("GET", accounts + "/plain").status == 404)
            #expect(try await fixture.curl("GET", Self.path + "/owner").status == 200)

            _ = try await fixture.curl("PATCH", accounts + "/held", json: ["metadata": ["finalizers": nil]], contentType: "application/merge-patch+json")
            #expect(try await fixture.curl("GET", accounts + "/held").status == 404)
            #expect(try await fixture.curl("GET", Self.path + "/owner").status == 404)
            let events = try await fixture.watchEvents(Self.path + "?watch=true&resourceVersion=\(start)&timeoutSeconds=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["MODIFIED", "DELETED"])
        }
    }

    @Test func orphanPropagationKeepsDependents() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let owner = try await fixture.curl("POST", Self.path, json: CustomResourceTests.resource("owner"))
            let reference: JSONValue = ["apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "name": "owner", "uid": owner.body[path: ["metadata", "uid"]] ?? ""]
            _ = try await fixture.curl("POST", "/api/v1/namespaces/default/configmaps", json: ["metadata": ["name": "kept", "ownerReferences": [reference]]])
            #expect(try await fixture.curl("DELETE", Self.path + "/owner", json: ["propagationPolicy": "Orphan"]).status == 200)
            let kept = try await fixture.curl("GET", "/api/v1/namespaces/default/configmaps/kept")
            #expect(kept.status == 200)
            #expect(kept.body[path: ["metadata", "ownerReferences"]] == nil)
        }
    }
}

extension JSONValue {
    /// Deep merge for building test bodies.
    func merging(_ other: JSONValue) -> JSONValue { Patches.mergePatch(self, other) }
}
