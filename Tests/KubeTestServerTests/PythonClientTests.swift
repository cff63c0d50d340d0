import Foundation
import Testing
@testable import KubeTestServer

/// Issue 3, must-show 4: the official Python `kubernetes` client lists and watches the custom resource.
@Suite struct PythonClientTests {
    @Test func listAndWatchCustomResource() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.installFixtureCRD()
            let existing = try await fixture.curl(
                "POST", ServerFixture.crPath,
                json: ["apiVersion": "trustline.dev/v1alpha1", "kind": "WorkloadAwsAccess", "metadata": ["name": "existing"], "spec": ["role": [:]]])
            #expect(existing.status == 201)
            let output = try await fixture.python("python_client_check.py", [fixture.kubeconfigPath, "default"])
            #expect(output.status == 0, "\(output.description)")
            let lines = output.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
            #expect(lines.first { $0["step"] == "list" }?["names"] == ["existing"])
            #expect(lines.first { $0["step"] == "list-all" }?["count"] == 1)
            let watch = lines.filter { $0["step"] == "watch" }
            #expect(watch.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "MODIFIED", "DELETED"])
            #expect(watch.allSatisfy { $0["name"] == "from-python" })
            #expect(watch.first?["audience"] == "sts.amazonaws.com")
            #expect(watch.dropFirst().first?["roleArn"] == "arn:aws:iam::123456789012:role/py")
            #expect(lines.first { $0["step"] == "get-after-delete" }?["status"] == 404)
            #expect(lines.first { $0["step"] == "namespaces" }?["names"] == ["default", "kube-node-lease", "kube-public", "kube-system"])
        }
    }
}
