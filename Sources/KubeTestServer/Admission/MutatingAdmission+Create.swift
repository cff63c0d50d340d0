import Foundation

extension MutatingAdmission {
    static let configurationsKey = ResourceKey(group: "admissionregistration.k8s.io", plural: "mutatingwebhookconfigurations")

    /// The body of a POST as the webhooks see it and as it goes on to be stored: kind, version
    /// and namespace filled in, built-in defaults applied (a pod's `serviceAccountName` from the
    /// ServiceAccount admission plugin, which runs before webhooks), then every matching webhook.
    /// Webhook configurations themselves are never sent to webhooks, as on a real server; a
    /// missing namespace is left for the create to refuse (404) before any webhook is called.
    func admitCreate(
        _ body: JSONValue, type: ResourceType, namespace: String?, store: ObjectStore, user: AuthenticatedUser?, dryRun: Bool
    ) async throws -> JSONValue {
        guard type.group != "admissionregistration.k8s.io" else { return body }
        let snapshot: (webhooks: [MutatingWebhook], namespaceLabels: [String: String]?) = try store.read { state in
            let configurations = state.objects[Self.configurationsKey].map { Array($0.values) } ?? []
            var labels: [String: String]? = [:]
            if type.namespaced {
                let found = namespace.flatMap { state.object(ResourceKey(group: "", plural: "namespaces"), namespace: nil, name: $0) }
                labels = found.map(Self.labels(of:))
            }
            return (MutatingWebhook.all(in: configurations), labels)
        }
        guard !snapshot.webhooks.isEmpty, let namespaceLabels = snapshot.namespaceLabels else { return body }
        try store.read { try $0.checkKindAndVersion(body, type: type) }
        var object = body
        object["kind"] = .string(type.kind)
        object["apiVersion"] = .string(type.apiVersion)
        if type.namespaced, let namespace { object[path: ["metadata", "namespace"]] = .string(namespace) }
        if type.key.description == "pods" { PodDefaults.apply(&object) }
        let attributes = AdmissionAttributes(
            operation: "CREATE", type: type, namespace: type.namespaced ? namespace : nil, namespaceLabels: namespaceLabels,
            objectLabels: Self.labels(of: object))
        return try await admit(object, attributes: attributes, webhooks: snapshot.webhooks, user: user, dryRun: dryRun)
    }
}
