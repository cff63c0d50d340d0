import Foundation
import KubeModels
import Testing
import TestSupport
import TrustlineCore

extension EndToEndSuite {
    /// Issue 9, must-show 3: the operator authenticated as the bundle's own ServiceAccount, with
    /// only `config/rbac` applied to kube-test-server, converges the samples without a single
    /// 403; with any one rule of its ClusterRole or Role removed it fails naming the verb and
    /// resource it was refused.
    @Suite("End to end: least-privilege RBAC")
    struct RBACLeastPrivilegeTests {
        static let operatorNamespace = "trustline-system"

        /// Prints the rules of the ClusterRole and Role as JSON (`rules`), or the documents with
        /// one rule removed (`remove KIND INDEX`): the test edits the parsed YAML, not text.
        static let ruleEditor = """
            import json, sys, yaml
            docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
            if sys.argv[1] == "rules":
                print(json.dumps({d["kind"]: d.get("rules", []) for d in docs if d["kind"] in ("ClusterRole", "Role")}))
            else:
                role = next(d for d in docs if d["kind"] == sys.argv[2])
                del role["rules"][int(sys.argv[3])]
                print(yaml.safe_dump_all(docs))
            """

        static func editRules(_ yaml: String, _ arguments: [String]) async throws -> String {
            let result = try await Command.run("/usr/bin/env", ["python3", "-c", ruleEditor] + arguments, input: Data(yaml.utf8))
            guard result.status == 0 else { throw TestSetupError("python3 rule editor failed: \(result.errorText)") }
            return result.outputText
        }

        /// `kubectl kustomize config/rbac`, with the operator's namespace created first.
        static func bundle(_ cluster: TestCluster) async throws -> String {
            try await cluster.kubectlChecked(["kustomize", TestTools.repositoryRoot + "/config/rbac"])
        }

        /// A kubeconfig for kube-test-server holding a fresh token of `trustline-system/trustline`.
        static func operatorKubeconfig(_ cluster: TestCluster) async throws -> String {
            let minted = try await cluster.kubernetes.requestToken(
                namespace: operatorNamespace, serviceAccountName: "trustline", spec: TokenRequestSpec(audiences: [], expirationSeconds: 3600))
            guard let token = minted.status?.token else { throw TestSetupError("TokenRequest answered without a token") }
            let admin = cluster.server.kubeconfigYAML()
            let text = admin.replacingOccurrences(of: "token: \(cluster.server.bearerToken)", with: "token: \(token)")
            guard text != admin else { throw TestSetupError("the admin token was not found in the kubeconfig") }
            let path = (cluster.directory as NSString).appendingPathComponent("operator-\(UUID().uuidString).kubeconfig")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func startOperator(_ cluster: TestCluster, name: String, kubeconfig: String) throws -> RunningOperator {
            try cluster.startOperator(
                name: name, extraArguments: ["--leader-elect"], kubeconfig: kubeconfig,
                environmentOverrides: ["TRUSTLINE_NAMESPACE": Self.operatorNamespace])
        }

        @Test("the operator with only config/rbac converges every sample with zero 403s")
        func convergesWithZeroForbidden() async throws {
            try await TestCluster.with(namespaces: ["production", "staging", Self.operatorNamespace]) { cluster in
                try await cluster.apply(try await Self.bundle(cluster))
                // The samples that do not create their ServiceAccount need it to exist (patch path).
                try await cluster.kubectlChecked(["create", "serviceaccount", "reports", "-n", "production"])
                try await cluster.kubectlChecked(["create", "serviceaccount", "queue-worker", "-n", "staging"])
                for sample in ["production-my-app.yaml", "production-reports-managed-only.yaml", "staging-worker.yaml"] {
                    try await cluster.applySample(sample)
                }
                let kubeconfig = try await Self.operatorKubeconfig(cluster)
                let running = try startOperator(cluster, name: "least-privilege", kubeconfig: kubeconfig)
                for (namespace, name) in [("production", "my-app"), ("production", "reports"), ("staging", "worker")] {
                    try await cluster.waitForCondition(namespace, name, type: .ready, status: "True", timeout: .seconds(90))
                }
                let annotated = try #require(try await cluster.serviceAccount("production", "reports"))
                #expect(annotated.metadata.annotations?["eks.amazonaws.com/role-arn"] != nil)
                // Leader election ran on the Lease in the operator's own namespace.
                #expect(try await cluster.kubernetes.getIfPresent(Lease.self, namespace: Self.operatorNamespace, name: "trustline-leader") != nil)
                #expect(try await running.probe("/readyz") == 200)
                // Delete one resource, so cleanup (ServiceAccount delete, finalizer removal) runs too.
                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "-n", "production", "--wait=false"])
                try await cluster.eventually(timeout: .seconds(60), "my-app and its created ServiceAccount deleted") { () -> Bool? in
                    let resource = try await cluster.resource("production", "my-app")
                    let account = try await cluster.serviceAccount("production", "my-app")
                    return resource == nil && account == nil ? true : nil
                }
                #expect(cluster.server.forbiddenResponseCount == 0, "403s: \(running.process.log.split(separator: "\n").filter { $0.contains("forbidden") }.prefix(5))")
                #expect(cluster.server.unauthorizedResponseCount == 0)
                #expect(!running.process.log.contains("forbidden"))
            }
        }

        /// What the operator must log when a rule is missing: the refused verb and resource.
        static let expectedFailures: [String: [String]] = [
            "ClusterRole": [
                #"cannot list resource "workloadawsaccesses" in API group "trustline.dev" at the cluster scope"#,
                #"cannot patch resource "workloadawsaccesses" in API group "trustline.dev" in the namespace "#,
                #"cannot update resource "workloadawsaccesses/status" in API group "trustline.dev" in the namespace "#,
                #"cannot list resource "serviceaccounts" in API group "" at the cluster scope"#,
                #"cannot create resource "serviceaccounts" in API group "" in the namespace "#,
                #"cannot create resource "events" in API group "events.k8s.io" in the namespace "#,
                #"cannot get path "/.well-known/openid-configuration""#,
            ],
            "Role": [
                #"cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "trustline-system""#,
            ],
        ]

        @Test("with any one rule removed the operator fails naming the verb and resource")
        func everyRuleIsNeeded() async throws {
            try await TestCluster.with(namespaces: [Self.operatorNamespace]) { cluster in
                let bundle = try await Self.bundle(cluster)
                let rules = try JSONSerialization.jsonObject(with: Data(try await Self.editRules(bundle, ["rules"]).utf8)) as? [String: [Any]]
                // Every rule of the bundle has a case, so a rule added later needs one too.
                #expect(rules?.mapValues(\.count) == Self.expectedFailures.mapValues(\.count))
                try await cluster.apply(bundle)
                let kubeconfig = try await Self.operatorKubeconfig(cluster)
                var caseNumber = 0
                for kind in ["ClusterRole", "Role"] {
                    for (index, expected) in (Self.expectedFailures[kind] ?? []).enumerated() {
                        caseNumber += 1
                        let reduced = try await Self.editRules(bundle, ["remove", kind, String(index)])
                        try await cluster.kubectl(["delete", "clusterrole", "trustline-operator", "--ignore-not-found"])
                        try await cluster.kubectl(["delete", "role", "trustline-leader-election", "-n", Self.operatorNamespace, "--ignore-not-found"])
                        try await cluster.kubectl(["delete", "lease", "trustline-leader", "-n", Self.operatorNamespace, "--ignore-not-found"])
                        try await cluster.apply(reduced)
                        // A fresh namespace, so every step of a first reconcile happens again.
                        let namespace = "rbac-\(caseNumber)"
                        try await cluster.kubectlChecked(["create", "namespace", namespace])
                        try await cluster.apply(Manifests.access(name: "my-app", namespace: namespace).replacingOccurrences(
                            of: "  serviceAccount:\n    name: my-app\n", with: "  serviceAccount:\n    name: my-app\n    create: true\n"))
                        let running = try startOperator(cluster, name: "without-\(kind)-\(index)", kubeconfig: kubeconfig)
                        let seen = try await cluster.eventually(timeout: .seconds(60), "\(kind) rule \(index) removed: \(expected)") { () -> Bool? in
                            // At a level the default (info) shows; log values are quoted, their quotes escaped.
                            running.process.log.split(separator: "\n").contains { line in
                                !line.contains("level=debug") && !line.contains("level=trace")
                                    && line.replacingOccurrences(of: "\\\"", with: "\"").contains(expected)
                            } ? true : nil
                        }
                        #expect(seen)
                        await running.stop()
                    }
                }
                #expect(caseNumber == 8)
            }
        }
    }
}
