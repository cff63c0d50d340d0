import Foundation
import Testing
@testable import KubeTestServer

@Suite struct ServerSideApplyTests {
    static let path = "/api/v1/namespaces/default/serviceaccounts/app"

    static func apply(_ fixture: ServerFixture, manager: String, annotations: [String: String], force: Bool = false) async throws -> ServerFixture.HTTPResult {
        let lines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        let body = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n\(lines.isEmpty ? "    {}" : lines)\n"
        return try await fixture.curl(
            "PATCH", Self.path + "?fieldManager=\(manager)\(force ? "&force=true" : "")", body: body, contentType: "application/apply-patch+yaml")
    }

    @Test func applyOwnsFieldsRemovesDroppedOnesAndReportsConflicts() async throws {
        try await ServerFixture.with { fixture in
            let created = try await Self.apply(fixture, manager: "trustline", annotations: ["eks.amazonaws.com/role-arn": "arn:1", "eks.amazonaws.com/audience": "aud"])
            #expect(created.status == 201, "\(created.raw)")
            let user = try await Self.apply(fixture, manager: "user", annotations: ["team": "payments"])
            #expect(user.status == 200)

            // Dropping a field from the next apply removes it; other managers' fields stay.
            let narrowed = try await Self.apply(fixture, manager: "trustline", annotations: ["eks.amazonaws.com/role-arn": "arn:1"])
            #expect(narrowed.body[path: ["metadata", "annotations"]] == ["eks.amazonaws.com/role-arn": "arn:1", "team": "payments"])

            // Changing a field another applier owns is a conflict unless forced.
            let conflicting = try await Self.apply(fixture, manager: "user", annotations: ["team": "payments", "eks.amazonaws.com/role-arn": "arn:2"])
            #expect(conflicting.status == 409)
            #expect(conflicting.body["reason"] == "Conflict")
            #expect(conflicting.body["message"]?.stringValue?.contains("conflict with \"trustline\"") == true)
            let forced = try await Self.apply(fixture, manager: "user", annotations: ["team": "payments", "eks.amazonaws.com/role-arn": "arn:2"], force: true)
            #expect(forced.status == 200)
            #expect(forced.body[path: ["metadata", "annotations", "eks.amazonaws.com/role-arn"]] == "arn:2")

            // Ownership moved: the old owner's empty apply no longer removes it.
            let released = try await Self.apply(fixture, manager: "trustline", annotations: [:])
            #expect(released.body[path: ["metadata", "annotations"]] == ["eks.amazonaws.com/role-arn": "arn:2", "team": "payments"])
        }
    }
}
