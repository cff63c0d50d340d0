import Foundation
import Testing
import TestSupport

/// The pod identity webhook's part of the install bundle (config/webhook, config/webhook-certificate;
/// docs/install-bundle.md): the objects and fields other parts rely on, checked on the rendered
/// overlays, and the default bundle's webhook configuration accepted and failing open on
/// kube-test-server.
@Suite struct WebhookBundleTests {
    static let namespace = "trustline-system"
    static let podLabels = ["app.kubernetes.io/name": "trustline", "app.kubernetes.io/component": "webhook"]

    @Test(arguments: KustomizeBundleTests.bundles)
    func everyContainerIsHardened(bundle: String) async throws {
        let rendered = try await Kustomize.build(bundle)
        let deployments = rendered.objects.filter { $0["kind"] as? String == "Deployment" }
        #expect(deployments.count == (bundle == "config/eks" ? 1 : 2), "\(bundle): \(deployments.count) Deployments")
        for deployment in deployments {
            let name = deployment.value(at: ["metadata", "name"]) as? String ?? "?"
            let pod = try #require(deployment.value(at: ["spec", "template", "spec"]) as? [String: Any])
            #expect(pod.value(at: ["securityContext", "runAsNonRoot"]) as? Bool == true, "\(name)")
            #expect(pod.value(at: ["securityContext", "seccompProfile", "type"]) as? String == "RuntimeDefault", "\(name)")
            let containers = (pod["containers"] as? [[String: Any]] ?? []) + (pod["initContainers"] as? [[String: Any]] ?? [])
            #expect(!containers.isEmpty)
            for container in containers {
                let label = "\(name)/\(container["name"] as? String ?? "?")"
                #expect(container.value(at: ["securityContext", "allowPrivilegeEscalation"]) as? Bool == false, "\(label)")
                #expect(container.value(at: ["securityContext", "readOnlyRootFilesystem"]) as? Bool == true, "\(label)")
                #expect(container.value(at: ["securityContext", "privileged"]) as? Bool != true, "\(label)")
                #expect(container.value(at: ["securityContext", "capabilities", "drop"]) as? [String] == ["ALL"], "\(label)")
                #expect(container.value(at: ["securityContext", "capabilities", "add"]) == nil, "\(label)")
                #expect(container.value(at: ["resources", "requests", "cpu"]) != nil, "\(label)")
                #expect(container.value(at: ["resources", "requests", "memory"]) != nil, "\(label)")
                #expect(container.value(at: ["resources", "limits", "memory"]) != nil, "\(label)")
                #expect(container.value(at: ["livenessProbe", "httpGet", "path"]) as? String == "/healthz", "\(label)")
                #expect(container.value(at: ["readinessProbe", "httpGet", "path"]) as? String == "/readyz", "\(label)")
            }
        }
    }

    @Test func webhookDeploymentRunsTheAgreedCommandWithItsCertificate() async throws {
        let rendered = try await Kustomize.build("config/default")
        let deployment = try #require(rendered.objects.object("Deployment", "trustline-webhook"))
        #expect(deployment.value(at: ["spec", "replicas"]) as? Int == 2)
        #expect(deployment.value(at: ["spec", "selector", "matchLabels"]) as? [String: String] == Self.podLabels)
        let pod = try #require(deployment.value(at: ["spec", "template", "spec"]) as? [String: Any])
        #expect(pod["serviceAccountName"] as? String == "trustline-webhook")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["args"] as? [String] == [
            "webhook", "--config", "/etc/trustline/config.yaml", "--cert-dir", "/etc/trustline/webhook-certs",
            "--bind-address", ":9443", "--health-probe-bind-address", ":8081",
        ])
        // Probes go to the plain-HTTP probe port the args name.
        let ports = container["ports"] as? [[String: Any]] ?? []
        let probePort = ports.first { $0["name"] as? String == container.value(at: ["readinessProbe", "httpGet", "port"]) as? String }
        #expect(probePort?["containerPort"] as? Int == 8081)
        #expect(ports.contains { $0["containerPort"] as? Int == 9443 })

        let volumes = pod["volumes"] as? [[String: Any]] ?? []
        let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
        func mount(at path: String) -> [String: Any]? { mounts.first { $0["mountPath"] as? String == path } }
        // The settings: the same generated (hashed) ConfigMap the operator mounts.
        let configMapName = try #require(rendered.objects.first { $0["kind"] as? String == "ConfigMap" }?.value(at: ["metadata", "name"]) as? String)
        let configMount = try #require(mount(at: "/etc/trustline"))
        #expect(configMount["readOnly"] as? Bool == true)
        let configVolume = volumes.first { $0["name"] as? String == configMount["name"] as? String }
        #expect(configVolume?.value(at: ["configMap", "name"]) as? String == configMapName)
        // The serving certificate: the Secret, read-only, and not optional (no certificate, no start).
        let certificateMount = try #require(mount(at: "/etc/trustline/webhook-certs"))
        #expect(certificateMount["readOnly"] as? Bool == true)
        let certificateVolume = try #require(volumes.first { $0["name"] as? String == certificateMount["name"] as? String })
        #expect(certificateVolume.value(at: ["secret", "secretName"]) as? String == "trustline-webhook-tls")
        #expect(certificateVolume.value(at: ["secret", "optional"]) as? Bool != true)
        // Replicas on different nodes where there are nodes: a spread or an anti-affinity by hostname.
        let spread = (pod["topologySpreadConstraints"] as? [[String: Any]] ?? []).contains {
            $0["topologyKey"] as? String == "kubernetes.io/hostname"
                && $0.value(at: ["labelSelector", "matchLabels"]) as? [String: String] == Self.podLabels
        }
        let antiAffinity = (pod.value(at: ["affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"]) as? [[String: Any]] ?? [])
            .contains { $0.value(at: ["podAffinityTerm", "topologyKey"]) as? String == "kubernetes.io/hostname" }
        #expect(spread || antiAffinity)

        let budget = try #require(rendered.objects.object("PodDisruptionBudget", "trustline-webhook"))
        #expect(budget.value(at: ["spec", "minAvailable"]) as? Int == 1)
        #expect(budget.value(at: ["spec", "selector", "matchLabels"]) as? [String: String] == Self.podLabels)

        let service = try #require(rendered.objects.object("Service", "trustline-webhook"))
        #expect(service.value(at: ["spec", "selector"]) as? [String: String] == Self.podLabels)
        let servicePorts = service.value(at: ["spec", "ports"]) as? [[String: Any]] ?? []
        #expect(servicePorts.count == 1)
        #expect(servicePorts.first?["port"] as? Int == 443)
        #expect(servicePorts.first?["targetPort"] as? Int == 9443)
    }

    @Test func webhookRBACIsReadOnly() async throws {
        let rendered = try await Kustomize.build("config/default")
        let role = try #require(rendered.objects.object("ClusterRole", "trustline-webhook"))
        let rules = role["rules"] as? [[String: Any]] ?? []
        var granted: Set<String> = []
        for rule in rules {
            let verbs = Set(rule["verbs"] as? [String] ?? [])
            #expect(verbs.isSubset(of: ["get", "list", "watch"]), "verbs beyond get/list/watch: \(verbs.sorted())")
            #expect(rule["nonResourceURLs"] == nil)
            for group in rule["apiGroups"] as? [String] ?? [] {
                for resource in rule["resources"] as? [String] ?? [] { granted.insert(group.isEmpty ? resource : "\(resource).\(group)") }
            }
        }
        #expect(granted == ["workloadawsaccesses.trustline.dev", "serviceaccounts"])
        // Nothing else grants the webhook's ServiceAccount anything.
        let bindings = rendered.objects.filter { ["ClusterRoleBinding", "RoleBinding"].contains($0["kind"] as? String ?? "") }.filter { binding in
            (binding["subjects"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "trustline-webhook" }
        }
        #expect(bindings.count == 1)
        let binding = try #require(bindings.first)
        #expect(binding["kind"] as? String == "ClusterRoleBinding")
        #expect(binding.value(at: ["roleRef", "name"]) as? String == "trustline-webhook")
        let subject = (binding["subjects"] as? [[String: Any]])?.first
        #expect(subject?["kind"] as? String == "ServiceAccount")
        #expect(subject?["namespace"] as? String == Self.namespace)
        #expect(rendered.objects.object("ServiceAccount", "trustline-webhook") != nil)
    }

    @Test(arguments: ["config/default", "config/self-managed"])
    func mutatingWebhookConfigurationIsTheAgreedOne(bundle: String) async throws {
        let rendered = try await Kustomize.build(bundle)
        let configuration = try #require(rendered.objects.object("MutatingWebhookConfiguration", "trustline-pod-identity"))
        let webhooks = configuration["webhooks"] as? [[String: Any]] ?? []
        #expect(webhooks.count == 1)
        let webhook = try #require(webhooks.first)
        #expect(webhook["name"] as? String == "pod-identity.trustline.dev")
        #expect(webhook["failurePolicy"] as? String == "Ignore")
        #expect(webhook["reinvocationPolicy"] as? String == "IfNeeded")
        #expect(webhook["sideEffects"] as? String == "None")
        #expect(webhook["matchPolicy"] as? String == "Equivalent")
        #expect(webhook["timeoutSeconds"] as? Int == 5)
        #expect(webhook["admissionReviewVersions"] as? [String] == ["v1"])
        #expect(webhook.value(at: ["clientConfig", "service", "namespace"]) as? String == Self.namespace)
        #expect(webhook.value(at: ["clientConfig", "service", "name"]) as? String == "trustline-webhook")
        #expect(webhook.value(at: ["clientConfig", "service", "path"]) as? String == "/mutate")
        #expect(webhook.value(at: ["clientConfig", "service", "port"]) as? Int == 443)
        let rules = webhook["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == 1)
        let rule = try #require(rules.first)
        #expect(rule["operations"] as? [String] == ["CREATE"])
        #expect(rule["apiGroups"] as? [String] == [""])
        #expect(rule["apiVersions"] as? [String] == ["v1"])
        #expect(rule["resources"] as? [String] == ["pods"])
        #expect(rule["scope"] as? String == "Namespaced")
        let expressions = webhook.value(at: ["namespaceSelector", "matchExpressions"]) as? [[String: Any]] ?? []
        #expect(expressions.count == 1)
        #expect(expressions.first?["key"] as? String == "kubernetes.io/metadata.name")
        #expect(expressions.first?["operator"] as? String == "NotIn")
        #expect(Set(expressions.first?["values"] as? [String] ?? []) == ["kube-system", "trustline-system"])
        // The Service the configuration names exists in the bundle.
        #expect(rendered.objects.object("Service", "trustline-webhook") != nil)
    }

    /// The serving certificate names the Service, lands in the Secret the Deployment mounts, is
    /// renewed before it expires, chains to a CA whose bundle is injected into the configuration.
    @Test func selfManagedCertificateMatchesTheService() async throws {
        let rendered = try await Kustomize.build("config/self-managed")
        let service = try #require(rendered.objects.object("Service", "trustline-webhook"))
        let serviceName = try #require(service.value(at: ["metadata", "name"]) as? String)
        let serviceNamespace = try #require(service.value(at: ["metadata", "namespace"]) as? String)
        let certificate = try #require(rendered.objects.object("Certificate", "trustline-webhook"))
        #expect(certificate.value(at: ["metadata", "namespace"]) as? String == serviceNamespace)
        #expect(Set(certificate.value(at: ["spec", "dnsNames"]) as? [String] ?? []) == [
            "\(serviceName).\(serviceNamespace).svc", "\(serviceName).\(serviceNamespace).svc.cluster.local",
        ])
        let secretName = certificate.value(at: ["spec", "secretName"]) as? String
        let deployment = try #require(rendered.objects.object("Deployment", "trustline-webhook"))
        let volumes = deployment.value(at: ["spec", "template", "spec", "volumes"]) as? [[String: Any]] ?? []
        #expect(secretName != nil && volumes.contains { $0.value(at: ["secret", "secretName"]) as? String == secretName })
        // Renewed before expiry, with a fresh key.
        let duration = try #require(Self.hours(certificate.value(at: ["spec", "duration"]) as? String))
        let renewBefore = try #require(Self.hours(certificate.value(at: ["spec", "renewBefore"]) as? String))
        #expect(renewBefore > 0 && renewBefore < duration)
        #expect(certificate.value(at: ["spec", "privateKey", "rotationPolicy"]) as? String == "Always")
        #expect((certificate.value(at: ["spec", "usages"]) as? [String] ?? []).contains("server auth"))
        // The chain: serving Issuer is a CA Issuer over the CA Certificate's Secret, and that
        // Certificate is a CA issued by a self-signed Issuer; all in the Service's namespace.
        let servingIssuerName = try #require(certificate.value(at: ["spec", "issuerRef", "name"]) as? String)
        #expect(certificate.value(at: ["spec", "issuerRef", "kind"]) as? String == "Issuer")
        let servingIssuer = try #require(rendered.objects.object("Issuer", servingIssuerName))
        let caSecret = try #require(servingIssuer.value(at: ["spec", "ca", "secretName"]) as? String)
        let authority = try #require(rendered.objects.first {
            $0["kind"] as? String == "Certificate" && $0.value(at: ["spec", "secretName"]) as? String == caSecret
        })
        #expect(authority.value(at: ["spec", "isCA"]) as? Bool == true)
        let rootIssuerName = try #require(authority.value(at: ["spec", "issuerRef", "name"]) as? String)
        let rootIssuer = try #require(rendered.objects.object("Issuer", rootIssuerName))
        #expect(rootIssuer.value(at: ["spec", "selfSigned"]) != nil)
        for object in [servingIssuer, authority, rootIssuer] {
            #expect(object.value(at: ["metadata", "namespace"]) as? String == serviceNamespace)
        }
        let configuration = try #require(rendered.objects.object("MutatingWebhookConfiguration", "trustline-pod-identity"))
        let certificateName = certificate.value(at: ["metadata", "name"]) as? String ?? "?"
        #expect(configuration.value(at: ["metadata", "annotations", "cert-manager.io/inject-ca-from"]) as? String
            == "\(serviceNamespace)/\(certificateName)")
    }

    /// EKS's own webhook injects there (docs/install-bundle.md, "EKS"): none of ours is rendered.
    @Test func eksOverlayLeavesTheWebhookOut() async throws {
        let rendered = try await Kustomize.build("config/eks")
        let names = rendered.objects.map { "\($0["kind"] as? String ?? "?")/\($0.value(at: ["metadata", "name"]) as? String ?? "?")" }
        #expect(!names.contains { $0.hasSuffix("/trustline-webhook") || $0.hasSuffix("/trustline-pod-identity") }, "\(names)")
        #expect(names.contains("Deployment/trustline-operator"))
    }

    /// Applied to kube-test-server, which calls mutating webhooks on pod creation: with no webhook
    /// pod serving (no certificate yet), `failurePolicy: Ignore` lets a pod through unchanged, and
    /// the webhook's own namespace is not sent to it at all.
    @Test func defaultBundleFailsOpenWithoutACertificate() async throws {
        let rendered = try await Kustomize.build("config/default")
        try await TestAPIServer.with { api in
            let applied = try await api.kubectl(["apply", "-f", "-"], input: rendered.yaml)
            #expect(applied.status == 0, "\(applied.errorText)")
            let stored = try await api.kubectl(["get", "mutatingwebhookconfiguration", "trustline-pod-identity", "-o", "jsonpath={.webhooks[0].failurePolicy}"])
            #expect(stored.outputText == "Ignore", "\(stored.outputText) \(stored.errorText)")
            let namespace = try await api.kubectl(["create", "namespace", "apps"])
            #expect(namespace.status == 0, "\(namespace.errorText)")
            let pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: app, namespace: apps}
                spec:
                  containers:
                    - name: app
                      image: registry.example/app:1.0
                """
            let created = try await api.kubectl(["apply", "-f", "-"], input: pod)
            #expect(created.status == 0, "pod creation must not be blocked: \(created.errorText)")
            let volumes = try await api.kubectl(["get", "pod", "app", "-n", "apps", "-o", "jsonpath={.spec.volumes[*].name}"])
            #expect(volumes.status == 0)
            #expect(!volumes.outputText.contains("aws-iam-token"))
        }
    }

    /// `90d` is not a Go duration; cert-manager takes hours (`2160h`), optionally with minutes.
    static func hours(_ text: String?) -> Double? {
        guard let text, text.hasSuffix("h"), let value = Double(text.dropLast()) else { return nil }
        return value
    }
}

extension Array where Element == [String: Any] {
    /// The object of a kind and name, if rendered.
    func object(_ kind: String, _ name: String) -> [String: Any]? {
        first { $0["kind"] as? String == kind && $0.value(at: ["metadata", "name"]) as? String == name }
    }
}
