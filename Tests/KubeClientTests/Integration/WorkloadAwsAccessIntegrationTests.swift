import Foundation
import KubeClient
import KubeModels
import KubeTestServer
import Testing
import TrustlineCore

@Suite("WorkloadAwsAccess through the typed client")
struct WorkloadAwsAccessIntegrationTests {
    @Test func workloadAwsAccessFromTheProjectCRD() async throws {
        try await TestCluster.with(namespaces: ["production"]) { cluster in
            try await cluster.installProjectCRDs()
            let text = """
                apiVersion: trustline.dev/v1alpha1
                kind: WorkloadAwsAccess
                metadata: {name: my-app, namespace: production}
                spec:
                  role: {tags: {team: payments}}
                  managedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
                """
            let documents = try YAMLManifest.documents(text)
            let resource = try documents[0].decode(WorkloadAwsAccess.self)
            let created = try await cluster.client.create(resource)
            #expect(created.metadata.generation == 1)
            #expect(created.spec.role.tags == ["team": "payments"])
            #expect(created.spec.managedPolicyArns == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
            #expect(created.spec.role.maxSessionDurationSeconds == 3600)
            let listed = try await cluster.client.list(WorkloadAwsAccess.self, namespace: "production")
            #expect(listed.items.map(\.metadata.name) == ["my-app"])
        }
    }
}
