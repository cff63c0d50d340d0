import Foundation
import Testing
@testable import KubeTestServer

/// The built-in kinds an operator's install bundle holds are served, so `kubectl apply -k`
/// of such a bundle works: Deployment, Service, the RBAC kinds, MutatingWebhookConfiguration.
@Suite struct InstallKindsTests {
    static let bundle = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: trustline-system}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: op, namespace: trustline-system}
        spec:
          replicas: 2
          selector: {matchLabels: {app: op}}
          template:
            metadata: {labels: {app: op}}
            spec:
              containers: [{name: op, image: example/op:1}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: op-metrics, namespace: trustline-system}
        spec:
          selector: {app: op}
          ports: [{name: metrics, port: 8080}]
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: op-webhook}
        webhooks: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: op}
        rules: [{apiGroups: [""], resources: [serviceaccounts], verbs: [get]}]
        """

    @Test func kubectlAppliesAndListsTheInstallKinds() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: Self.bundle)
            #expect(applied.status == 0, "\(applied.description)")
            #expect(applied.stdout.contains("deployment.apps/op created"), "\(applied.description)")
            #expect(applied.stdout.contains("mutatingwebhookconfiguration.admissionregistration.k8s.io/op-webhook created"))
            let listed = try await fixture.kubectl(["get", "deploy,svc", "-n", "trustline-system", "-o", "name"])
            #expect(listed.stdout.contains("deployment.apps/op"), "\(listed.description)")
            #expect(listed.stdout.contains("service/op-metrics"))
            let resources = try await fixture.kubectl(["api-resources", "--no-headers", "-o", "name"])
            for name in ["deployments.apps", "services", "clusterroles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
                         "mutatingwebhookconfigurations.admissionregistration.k8s.io", "selfsubjectaccessreviews.authorization.k8s.io"] {
                #expect(resources.stdout.split(separator: "\n").contains(Substring(name)), "\(name) missing: \(resources.description)")
            }
            let deployment = try await fixture.curl("GET", "/apis/apps/v1/namespaces/trustline-system/deployments/op")
            #expect(deployment.body[path: ["metadata", "generation"]] == 1)
        }
    }
}
