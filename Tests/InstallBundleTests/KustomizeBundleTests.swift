import Foundation
import Testing
import TestSupport

/// `kubectl apply -k config/...` on kube-test-server: every object of `config/default` and its
/// overlays is accepted, and the bundle is what docs/design.md section 10 asks for (hardened operator,
/// least-privilege RBAC, settings in a ConfigMap).
@Suite struct KustomizeBundleTests {
    static let bundles = ["config/default", "config/eks", "config/self-managed"]

    @Test(arguments: bundles)
    func appliesToTheTestAPIServer(bundle: String) async throws {
        let rendered = try await Kustomize.build(bundle)
        try await TestAPIServer.with { api in
            // config/self-managed asks cert-manager for the webhook's certificate: its CRDs come first,
            // as on a cluster where cert-manager is installed.
            if rendered.objects.contains(where: { ($0["apiVersion"] as? String)?.hasPrefix("cert-manager.io/") == true }) {
                try await api.installCertManagerCRDs()
            }
            let applied = try await api.kubectl(["apply", "-f", "-"], input: rendered.yaml)
            #expect(applied.status == 0, "kubectl apply -k \(bundle): \(applied.errorText)")
            for object in rendered.objects {
                let kind = object["kind"] as? String ?? "?"
                let name = object.value(at: ["metadata", "name"]) as? String ?? "?"
                #expect(applied.outputText.contains("/\(name) created"), "\(kind) \(name) not created: \(applied.outputText)")
            }
            let established = try await api.kubectl(
                ["wait", "--for=condition=Established", "crd/workloadawsaccesses.trustline.dev", "--timeout=30s"])
            #expect(established.status == 0, "\(established.errorText)")
            // A second apply changes nothing (GitOps tools re-apply continuously). kubectl's
            // client-side apply always re-sends a PodDisruptionBudget's spec.selector (its patch
            // strategy is "replace") and so reports it "configured" on a real cluster too; that it
            // changed nothing shows in its generation, still 1.
            let again = try await api.kubectl(["apply", "-f", "-"], input: rendered.yaml)
            #expect(again.status == 0, "\(again.errorText)")
            let configured = again.outputText.split(separator: "\n").filter {
                $0.hasSuffix(" configured") && !$0.hasPrefix("poddisruptionbudget.policy/")
            }
            #expect(configured.isEmpty, "\(again.outputText)")
            for budget in rendered.objects where budget["kind"] as? String == "PodDisruptionBudget" {
                let name = budget.value(at: ["metadata", "name"]) as? String ?? "?"
                let namespace = budget.value(at: ["metadata", "namespace"]) as? String ?? "?"
                let generation = try await api.kubectl(["get", "pdb", name, "-n", namespace, "-o", "jsonpath={.metadata.generation}"])
                #expect(generation.outputText == "1", "PodDisruptionBudget \(name) changed on re-apply: \(generation.outputText)")
            }
        }
    }

    @Test func everyNamespacedObjectLandsInTrustlineSystem() async throws {
        let rendered = try await Kustomize.build("config/default")
        let clusterScoped: Set<String> = [
            "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration",
        ]
        let kinds = Set(rendered.objects.compactMap { $0["kind"] as? String })
        for kind in ["Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                     "RoleBinding", "ConfigMap", "Deployment", "Service"] {
            #expect(kinds.contains(kind), "config/default has no \(kind)")
        }
        for object in rendered.objects where !clusterScoped.contains(object["kind"] as? String ?? "") {
            #expect(object.value(at: ["metadata", "namespace"]) as? String == "trustline-system", "\(object["kind"] ?? "") outside trustline-system")
        }
    }

    @Test func deploymentIsHardened() async throws {
        let rendered = try await Kustomize.build("config/default")
        let deployment = try #require(rendered.objects.first {
            $0["kind"] as? String == "Deployment" && $0.value(at: ["metadata", "name"]) as? String == "trustline-operator"
        })
        #expect(deployment.value(at: ["spec", "replicas"]) as? Int == 2)
        let pod = try #require(deployment.value(at: ["spec", "template", "spec"]) as? [String: Any])
        #expect(pod["serviceAccountName"] as? String == "trustline")
        #expect(pod.value(at: ["securityContext", "runAsNonRoot"]) as? Bool == true)
        #expect(pod.value(at: ["securityContext", "seccompProfile", "type"]) as? String == "RuntimeDefault")
        let containers = try #require(pod["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        let container = try #require(containers.first)
        let arguments = container["args"] as? [String] ?? []
        #expect(arguments.first == "run")
        #expect(arguments.contains("--leader-elect"))
        #expect(arguments.contains("--config=/etc/trustline/config.yaml"))
        #expect(container.value(at: ["securityContext", "allowPrivilegeEscalation"]) as? Bool == false)
        #expect(container.value(at: ["securityContext", "readOnlyRootFilesystem"]) as? Bool == true)
        #expect(container.value(at: ["securityContext", "capabilities", "drop"]) as? [String] == ["ALL"])
        #expect(container.value(at: ["resources", "requests", "memory"]) != nil)
        #expect(container.value(at: ["resources", "requests", "cpu"]) != nil)
        #expect(container.value(at: ["resources", "limits", "memory"]) != nil)
        #expect(container.value(at: ["livenessProbe", "httpGet", "path"]) as? String == "/healthz")
        #expect(container.value(at: ["readinessProbe", "httpGet", "path"]) as? String == "/readyz")
        // The generated ConfigMap's hashed name is what the pod mounts.
        let configMap = try #require(rendered.objects.first { $0["kind"] as? String == "ConfigMap" })
        let configMapName = try #require(configMap.value(at: ["metadata", "name"]) as? String)
        #expect(configMapName.hasPrefix("trustline-config-"))
        let volumes = pod["volumes"] as? [[String: Any]] ?? []
        #expect(volumes.contains { $0.value(at: ["configMap", "name"]) as? String == configMapName })
        #expect((configMap.value(at: ["data", "config.yaml"]) as? String)?.contains("clusterName:") == true)
    }

    @Test func clusterRoleHasNoWildcardAndNoSecrets() async throws {
        let rendered = try await Kustomize.build("config/default")
        let roles = rendered.objects.filter { ["ClusterRole", "Role"].contains($0["kind"] as? String ?? "") }
        #expect(!roles.isEmpty)
        for role in roles {
            let rules = role["rules"] as? [[String: Any]] ?? []
            #expect(!rules.isEmpty)
            for rule in rules {
                for field in ["apiGroups", "resources", "verbs", "nonResourceURLs", "resourceNames"] {
                    let values = rule[field] as? [String] ?? []
                    #expect(!values.contains("*"), "wildcard in \(role.value(at: ["metadata", "name"]) ?? "") \(field)")
                }
                let resources = rule["resources"] as? [String] ?? []
                #expect(!resources.contains { $0 == "secrets" || $0.hasPrefix("secrets/") })
                if resources.contains("leases") {
                    #expect(role["kind"] as? String == "Role", "Lease rights belong in a namespaced Role")
                }
            }
        }
    }

    @Test func eksOverlayAnnotatesTheOperatorServiceAccount() async throws {
        let rendered = try await Kustomize.build("config/eks")
        let serviceAccount = try #require(rendered.objects.first { $0["kind"] as? String == "ServiceAccount" })
        let roleArn = serviceAccount.value(at: ["metadata", "annotations", "eks.amazonaws.com/role-arn"]) as? String
        #expect(roleArn?.hasPrefix("arn:aws:iam::") == true, "\(String(describing: roleArn))")
    }
}
