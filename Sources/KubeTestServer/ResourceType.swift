import Foundation

/// A printer column as a CRD's `additionalPrinterColumns` declares it.
struct PrinterColumn: Sendable, Hashable {
    var name: String
    var type: String
    var format: String
    var description: String
    var priority: Int
    var jsonPath: String
}

/// A kind the server serves (built in or defined by a CRD): what discovery advertises, how URLs
/// address it, and what the write path must do (status subresource, generation, schema).
struct ResourceType: Sendable, Hashable {
    var group: String
    var version: String
    var kind: String
    var plural: String
    var singular: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var verbs: [String] = ResourceType.allVerbs
    var hasStatusSubresource = false
    /// Custom resources get `metadata.generation`, status clearing on create and schema handling.
    var isCustom = false
    var tracksGeneration = false
    var schema: JSONValue? = nil
    var printerColumns: [PrinterColumn] = []
    /// Extra subresources advertised in discovery, e.g. `token` on serviceaccounts.
    var extraSubresources: [(name: String, kind: String, group: String, version: String, verbs: [String])] = []

    static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    var key: ResourceKey { ResourceKey(group: group, plural: plural) }
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    var listKind: String { kind + "List" }
    /// `group/version` path prefix: `/api/v1` or `/apis/<group>/<version>`.
    var pathPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    static func == (lhs: ResourceType, rhs: ResourceType) -> Bool {
        lhs.group == rhs.group && lhs.version == rhs.version && lhs.plural == rhs.plural && lhs.kind == rhs.kind
            && lhs.schema == rhs.schema && lhs.printerColumns == rhs.printerColumns && lhs.shortNames == rhs.shortNames
            && lhs.categories == rhs.categories && lhs.namespaced == rhs.namespaced
            && lhs.hasStatusSubresource == rhs.hasStatusSubresource
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(version)
        hasher.combine(plural)
    }
}

/// Identifies a collection independent of version: `plural.group`.
struct ResourceKey: Sendable, Hashable, CustomStringConvertible {
    var group: String
    var plural: String
    var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

extension ResourceType {
    /// The built-in kinds the operator, kubectl and the Python client touch.
    static let builtIns: [ResourceType] = [
        ResourceType(
            group: "", version: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace", namespaced: false,
            shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]),
        ResourceType(
            group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", singular: "serviceaccount",
            namespaced: true, shortNames: ["sa"],
            extraSubresources: [("token", "TokenRequest", "authentication.k8s.io", "v1", ["create"])]),
        ResourceType(
            group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", singular: "configmap", namespaced: true,
            shortNames: ["cm"]),
        ResourceType(
            group: "", version: "v1", kind: "Secret", plural: "secrets", singular: "secret", namespaced: true),
        ResourceType(
            group: "", version: "v1", kind: "Event", plural: "events", singular: "event", namespaced: true,
            shortNames: ["ev"],
            printerColumns: [
                PrinterColumn(name: "Last Seen", type: "date", format: "", description: "Time of the last occurrence", priority: 0,
                              jsonPath: ".lastTimestamp||.eventTime||.metadata.creationTimestamp"),
                PrinterColumn(name: "Type", type: "string", format: "", description: "Normal or Warning", priority: 0, jsonPath: ".type"),
                PrinterColumn(name: "Reason", type: "string", format: "", description: "Why the event happened", priority: 0, jsonPath: ".reason"),
                PrinterColumn(name: "Object", type: "string", format: "", description: "The object the event is about", priority: 0,
                              jsonPath: ".involvedObject.name"),
                PrinterColumn(name: "Message", type: "string", format: "", description: "Human-readable description", priority: 0,
                              jsonPath: ".message"),
            ]),
        ResourceType(
            group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", singular: "event", namespaced: true,
            shortNames: ["ev"]),
        ResourceType(
            group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", singular: "lease",
            namespaced: true),
        ResourceType(
            group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
            plural: "customresourcedefinitions", singular: "customresourcedefinition", namespaced: false,
            shortNames: ["crd", "crds"], categories: ["api-extensions"], hasStatusSubresource: true,
            tracksGeneration: true),
        // Pods are stored and validated (docs/design.md section 8: what webhooks write must be refused as a cluster would), never run.
        ResourceType(
            group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod", namespaced: true,
            shortNames: ["po"], categories: ["all"], hasStatusSubresource: true),
        ResourceType(
            group: "", version: "v1", kind: "Service", plural: "services", singular: "service", namespaced: true,
            shortNames: ["svc"], categories: ["all"], hasStatusSubresource: true),
        ResourceType(
            group: "apps", version: "v1", kind: "Deployment", plural: "deployments", singular: "deployment",
            namespaced: true, shortNames: ["deploy"], categories: ["all"], hasStatusSubresource: true,
            tracksGeneration: true),
        // Stored, never enforced (nothing is evicted here): the install bundle's webhook has one.
        ResourceType(
            group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets",
            singular: "poddisruptionbudget", namespaced: true, shortNames: ["pdb"], hasStatusSubresource: true,
            tracksGeneration: true),
        ResourceType(
            group: "admissionregistration.k8s.io", version: "v1", kind: "MutatingWebhookConfiguration",
            plural: "mutatingwebhookconfigurations", singular: "mutatingwebhookconfiguration", namespaced: false,
            categories: ["api-extensions"], tracksGeneration: true),
    ] + rbacTypes + [selfSubjectAccessReviews]

    /// `rbac.authorization.k8s.io/v1`: stored like any kind; `Authorization/RBACAuthorizer`
    /// reads them on every request of a ServiceAccount.
    static let rbacTypes: [ResourceType] = [
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", singular: "role",
            namespaced: true),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings",
            singular: "rolebinding", namespaced: true),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles",
            singular: "clusterrole", namespaced: false),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings",
            singular: "clusterrolebinding", namespaced: false),
    ]

    /// Create-only and never stored: `APIHandler` answers it from the authorizer (`kubectl auth can-i`).
    static let selfSubjectAccessReviews = ResourceType(
        group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview",
        plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", namespaced: false, verbs: ["create"])
}
