import Foundation
import Testing
@testable import KubeTestServer

/// events.k8s.io/v1 and core v1 Events share storage, as on a real cluster.
@Suite struct EventTests {
    @Test func eventsWrittenThroughOneAPIAreReadThroughTheOther() async throws {
        try await ServerFixture.with { fixture in
            let start = try await fixture.curl("GET", "/api/v1/namespaces/default/events").body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            let regarding: JSONValue = ["apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "name": "app", "namespace": "default", "uid": "u-1"]
            let created = try await fixture.curl(
                "POST", "/apis/events.k8s.io/v1/namespaces/default/events",
                json: ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": "app.1"],
                       "eventTime": "2026-01-01T00:00:00.000000Z", "reportingController": "trustline.dev/operator",
                       "reportingInstance": "op-1", "action": "Reconcile", "reason": "Converged", "type": "Normal",
                       "note": "role ready", "regarding": regarding])
            #expect(created.status == 201)
            #expect(created.body["apiVersion"] == "events.k8s.io/v1")
            #expect(created.body["note"] == "role ready")
            #expect(created.body["regarding"] == regarding)

            let core = try await fixture.curl("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3Du-1")
            let item = try #require(core.body["items"]?.arrayValue?.first)
            #expect(item["apiVersion"] == "v1")
            #expect(item["message"] == "role ready")
            #expect(item["involvedObject"] == regarding)
            #expect(item["reportingComponent"] == "trustline.dev/operator")

            let patched = try await fixture.curl(
                "PATCH", "/apis/events.k8s.io/v1/namespaces/default/events/app.1",
                json: ["series": ["count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"], "note": "again"],
                contentType: "application/merge-patch+json")
            #expect(patched.body["note"] == "again")
            #expect(patched.body[path: ["series", "count"]] == 2)

            let events = try await fixture.watchEvents("/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=\(start)&timeoutSeconds=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "MODIFIED"])
            #expect(events.allSatisfy { $0[path: ["object", "apiVersion"]] == "events.k8s.io/v1" && $0[path: ["object", "regarding"]] == regarding })

            let table = try await fixture.kubectl(["get", "events"])
            #expect(table.stdout.contains("Converged"), "\(table.description)")
            #expect(table.stdout.contains("again"))
        }
    }
}
