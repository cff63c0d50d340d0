import Foundation
import Testing
@testable import KubeTestServer

/// Table tests of request attributes, rule matching, the authorizer over stored roles and
/// bindings, and the 403 message, each case checked against what kube-apiserver does.
@Suite struct RBACAuthorizerTests {
    struct AttributeCase: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var query: [String: String] = [:]
        var expected: RequestAttributes
        var description: String { "\(method) \(path) \(query)" }
    }

    static let attributeCases: [AttributeCase] = [
        AttributeCase(method: "GET", path: "/api", expected: RequestAttributes(verb: "get", path: "/api", isResourceRequest: false, apiVersion: "")),
        AttributeCase(method: "GET", path: "/api/v1", expected: RequestAttributes(verb: "get", path: "/api/v1", isResourceRequest: false, apiVersion: "")),
        AttributeCase(method: "GET", path: "/apis/apps/v1", expected: RequestAttributes(verb: "get", path: "/apis/apps/v1", isResourceRequest: false, apiVersion: "")),
        AttributeCase(method: "POST", path: "/version", expected: RequestAttributes(verb: "post", path: "/version", isResourceRequest: false, apiVersion: "")),
        AttributeCase(method: "GET", path: "/openapi/v3/apis/trustline.dev/v1alpha1",
                      expected: RequestAttributes(verb: "get", path: "/openapi/v3/apis/trustline.dev/v1alpha1", isResourceRequest: false, apiVersion: "")),
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns/serviceaccounts",
                      expected: RequestAttributes(verb: "list", path: "/api/v1/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts")),
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns/serviceaccounts", query: ["watch": "true"],
                      expected: RequestAttributes(verb: "watch", path: "/api/v1/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts")),
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns/serviceaccounts", query: ["watch": "0"],
                      expected: RequestAttributes(verb: "list", path: "/api/v1/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts")),
        AttributeCase(method: "GET", path: "/api/v1/watch/namespaces/ns/serviceaccounts",
                      expected: RequestAttributes(verb: "watch", path: "/api/v1/watch/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts")),
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns/serviceaccounts", query: ["fieldSelector": "metadata.name=x"],
                      expected: RequestAttributes(verb: "list", path: "/api/v1/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts", name: "x")),
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns/serviceaccounts/x",
                      expected: RequestAttributes(verb: "get", path: "/api/v1/namespaces/ns/serviceaccounts/x", namespace: "ns", resource: "serviceaccounts", name: "x")),
        AttributeCase(method: "POST", path: "/api/v1/namespaces/ns/serviceaccounts/x/token",
                      expected: RequestAttributes(verb: "create", path: "/api/v1/namespaces/ns/serviceaccounts/x/token", namespace: "ns", resource: "serviceaccounts", subresource: "token", name: "x")),
        AttributeCase(method: "PUT", path: "/apis/trustline.dev/v1alpha1/namespaces/p/workloadawsaccesses/a/status",
                      expected: RequestAttributes(verb: "update", path: "/apis/trustline.dev/v1alpha1/namespaces/p/workloadawsaccesses/a/status", apiGroup: "trustline.dev", apiVersion: "v1alpha1", namespace: "p", resource: "workloadawsaccesses", subresource: "status", name: "a")),
        AttributeCase(method: "PATCH", path: "/api/v1/namespaces/ns/serviceaccounts/x",
                      expected: RequestAttributes(verb: "patch", path: "/api/v1/namespaces/ns/serviceaccounts/x", namespace: "ns", resource: "serviceaccounts", name: "x")),
        AttributeCase(method: "DELETE", path: "/api/v1/namespaces/ns/serviceaccounts/x",
                      expected: RequestAttributes(verb: "delete", path: "/api/v1/namespaces/ns/serviceaccounts/x", namespace: "ns", resource: "serviceaccounts", name: "x")),
        AttributeCase(method: "DELETE", path: "/api/v1/namespaces/ns/serviceaccounts",
                      expected: RequestAttributes(verb: "deletecollection", path: "/api/v1/namespaces/ns/serviceaccounts", namespace: "ns", resource: "serviceaccounts")),
        // A namespace is its own namespace; status and finalize are its subresources.
        AttributeCase(method: "GET", path: "/api/v1/namespaces/ns",
                      expected: RequestAttributes(verb: "get", path: "/api/v1/namespaces/ns", namespace: "ns", resource: "namespaces", name: "ns")),
        AttributeCase(method: "PUT", path: "/api/v1/namespaces/ns/finalize",
                      expected: RequestAttributes(verb: "update", path: "/api/v1/namespaces/ns/finalize", namespace: "ns", resource: "namespaces", subresource: "finalize", name: "ns")),
        AttributeCase(method: "GET", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                      expected: RequestAttributes(verb: "list", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", apiGroup: "apiextensions.k8s.io", resource: "customresourcedefinitions")),
    ]

    @Test(arguments: attributeCases)
    func requestAttributesAreDerivedAsKubernetesDoes(_ entry: AttributeCase) {
        #expect(RequestAttributes(method: entry.method, path: entry.path, query: entry.query) == entry.expected)
    }

    struct RuleCase: Sendable, CustomStringConvertible {
        var rule: PolicyRule
        var request: RequestAttributes
        var allowed: Bool
        var description: String { "\(rule) on \(request.verb) \(request.combinedResource)\(request.path)" }
    }

    static let statusUpdate = RequestAttributes(verb: "update", apiGroup: "trustline.dev", namespace: "p", resource: "workloadawsaccesses", subresource: "status", name: "a")
    static let accountGet = RequestAttributes(verb: "get", namespace: "p", resource: "serviceaccounts", name: "a")

    static let ruleCases: [RuleCase] = [
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["serviceaccounts"]), request: accountGet, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["list"], apiGroups: [""], resources: ["serviceaccounts"]), request: accountGet, allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["serviceaccounts"]), request: accountGet, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: ["apps"], resources: ["serviceaccounts"]), request: accountGet, allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: ["*"], resources: ["*"]), request: accountGet, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["serviceaccounts"], resourceNames: ["a"]), request: accountGet, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["serviceaccounts"], resourceNames: ["b"]), request: accountGet, allowed: false),
        // The main resource does not grant its subresources, nor a subresource the resource.
        RuleCase(rule: PolicyRule(verbs: ["update"], apiGroups: ["trustline.dev"], resources: ["workloadawsaccesses"]), request: statusUpdate, allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["update"], apiGroups: ["trustline.dev"], resources: ["workloadawsaccesses/status"]), request: statusUpdate, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["update"], apiGroups: ["trustline.dev"], resources: ["*/status"]), request: statusUpdate, allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["update"], apiGroups: ["trustline.dev"], resources: ["*/scale"]), request: statusUpdate, allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: ["trustline.dev"], resources: ["*/status"]),
                 request: RequestAttributes(verb: "get", apiGroup: "trustline.dev", resource: "workloadawsaccesses"), allowed: false),
        // Resource rules never match paths, path rules never match resources.
        RuleCase(rule: PolicyRule(verbs: ["get"], apiGroups: ["*"], resources: ["*"]),
                 request: RequestAttributes(verb: "get", path: "/version", isResourceRequest: false), allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["*"]), request: accountGet, allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis/*"]),
                 request: RequestAttributes(verb: "get", path: "/apis/apps/v1", isResourceRequest: false), allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["/apis/*"]),
                 request: RequestAttributes(verb: "get", path: "/apis", isResourceRequest: false), allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["/.well-known/openid-configuration"]),
                 request: RequestAttributes(verb: "get", path: "/.well-known/openid-configuration", isResourceRequest: false), allowed: true),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["/.well-known/openid-configuration"]),
                 request: RequestAttributes(verb: "get", path: "/openid/v1/jwks", isResourceRequest: false), allowed: false),
        RuleCase(rule: PolicyRule(verbs: ["get"], nonResourceURLs: ["/.well-known/openid-configuration"]),
                 request: RequestAttributes(verb: "post", path: "/.well-known/openid-configuration", isResourceRequest: false), allowed: false),
        // A rule without verbs allows nothing.
        RuleCase(rule: PolicyRule(verbs: [], apiGroups: ["*"], resources: ["*"]), request: accountGet, allowed: false),
    ]

    @Test(arguments: ruleCases)
    func rulesMatchAsKubernetesMatchesThem(_ entry: RuleCase) {
        #expect(entry.rule.allows(entry.request) == entry.allowed)
    }

    // MARK: the authorizer over stored objects

    static let operatorUser = AuthenticatedUser.serviceAccount(namespace: "trustline-system", name: "trustline")

    /// A store holding: a ClusterRole bound to the operator's ServiceAccount, a Role in
    /// `trustline-system` bound to it, a RoleBinding in `team` of a ClusterRole to a Group, a
    /// RoleBinding whose ServiceAccount subject has no namespace, and one naming a missing role.
    static func store() throws -> ObjectStore {
        let store = ObjectStore(historyLimit: 100)
        func type(_ plural: String) -> ResourceType { ResourceType.rbacTypes.first { $0.plural == plural }! }
        let objects: [(String, String?, JSONValue)] = [
            ("clusterroles", nil, [
                "metadata": ["name": "reader"],
                "rules": [["apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "list", "watch"]]],
            ]),
            ("clusterrolebindings", nil, [
                "metadata": ["name": "reader"], "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"],
                "subjects": [["kind": "ServiceAccount", "name": "trustline", "namespace": "trustline-system"]],
            ]),
            ("roles", "trustline-system", [
                "metadata": ["name": "leases"],
                "rules": [["apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]]],
            ]),
            ("rolebindings", "trustline-system", [
                "metadata": ["name": "leases"], "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "leases"],
                "subjects": [["kind": "ServiceAccount", "name": "trustline"]],
            ]),
            ("clusterroles", nil, [
                "metadata": ["name": "editor"],
                "rules": [["apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]]],
            ]),
            ("rolebindings", "team", [
                "metadata": ["name": "editors"], "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "editor"],
                "subjects": [["kind": "Group", "name": "system:serviceaccounts:trustline-system"], ["kind": "User", "name": "alice"]],
            ]),
            ("rolebindings", "team", [
                "metadata": ["name": "dangling"], "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "gone"],
                "subjects": [["kind": "ServiceAccount", "name": "trustline", "namespace": "trustline-system"]],
            ]),
        ]
        for namespace in ["trustline-system", "team"] {
            _ = try store.write { try $0.create(type: ResourceType.builtIns[0], namespace: nil, body: ["metadata": ["name": .string(namespace)]], dryRun: false) }
        }
        for (plural, namespace, body) in objects {
            _ = try store.write { try $0.create(type: type(plural), namespace: namespace, body: body, dryRun: false) }
        }
        return store
    }

    struct DecisionCase: Sendable, CustomStringConvertible {
        var user: AuthenticatedUser
        var request: RequestAttributes
        var allowed: Bool
        var reason: String = ""
        var description: String { "\(user.name) \(request.verb) \(request.combinedResource)\(request.path) in \(request.namespace)" }
    }

    static let decisionCases: [DecisionCase] = [
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "watch", resource: "serviceaccounts"), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", namespace: "any", resource: "serviceaccounts", name: "x"), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "patch", namespace: "any", resource: "serviceaccounts", name: "x"), allowed: false),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", namespace: "any", resource: "secrets", name: "x"), allowed: false),
        // The Role grants Leases in its namespace only; its subject's namespace defaults to the binding's.
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "update", apiGroup: "coordination.k8s.io", namespace: "trustline-system", resource: "leases", name: "l"), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "update", apiGroup: "coordination.k8s.io", namespace: "default", resource: "leases", name: "l"), allowed: false),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "list", apiGroup: "coordination.k8s.io", resource: "leases"), allowed: false),
        DecisionCase(user: .serviceAccount(namespace: "other", name: "trustline"), request: RequestAttributes(verb: "update", apiGroup: "coordination.k8s.io", namespace: "trustline-system", resource: "leases", name: "l"), allowed: false),
        // A RoleBinding of a ClusterRole to a Group grants in the binding's namespace only.
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "delete", apiGroup: "apps", namespace: "team", resource: "deployments", name: "d"), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "delete", apiGroup: "apps", namespace: "other", resource: "deployments", name: "d"), allowed: false),
        DecisionCase(user: AuthenticatedUser(name: "alice", groups: ["system:authenticated"]), request: RequestAttributes(verb: "create", apiGroup: "apps", namespace: "team", resource: "deployments"), allowed: true),
        DecisionCase(user: AuthenticatedUser(name: "bob", groups: ["system:authenticated"]), request: RequestAttributes(verb: "create", apiGroup: "apps", namespace: "team", resource: "deployments"), allowed: false),
        // A binding to a missing role is named in the denial.
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", namespace: "team", resource: "configmaps", name: "c"), allowed: false,
                     reason: "RBAC: role.rbac.authorization.k8s.io \"gone\" not found"),
        // Bootstrap policy: discovery and can-i for the authenticated, version for everyone, masters for the admin.
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", path: "/apis/trustline.dev/v1alpha1", isResourceRequest: false), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "create", apiGroup: "authorization.k8s.io", resource: "selfsubjectaccessreviews"), allowed: true),
        DecisionCase(user: .anonymous, request: RequestAttributes(verb: "get", path: "/version", isResourceRequest: false), allowed: true),
        DecisionCase(user: .anonymous, request: RequestAttributes(verb: "get", path: "/api", isResourceRequest: false), allowed: false),
        DecisionCase(user: .anonymous, request: RequestAttributes(verb: "get", path: "/openid/v1/jwks", isResourceRequest: false), allowed: true),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", path: "/openid/v1/jwks", isResourceRequest: false), allowed: false),
        DecisionCase(user: operatorUser, request: RequestAttributes(verb: "get", path: "/metrics", isResourceRequest: false), allowed: false),
        DecisionCase(user: .admin, request: RequestAttributes(verb: "delete", namespace: "any", resource: "secrets", name: "x"), allowed: true),
        DecisionCase(user: .admin, request: RequestAttributes(verb: "get", path: "/metrics", isResourceRequest: false), allowed: true),
    ]

    @Test(arguments: decisionCases)
    func authorizerDecidesFromStoredRolesAndBindings(_ entry: DecisionCase) throws {
        let decision = RBACAuthorizer(store: try Self.store()).authorize(entry.user, entry.request)
        #expect(decision.allowed == entry.allowed)
        #expect(decision.reason == entry.reason)
    }

    // MARK: the 403

    @Test func forbiddenMessagesHaveKubernetesShape() {
        let user = AuthenticatedUser.serviceAccount(namespace: "ns", name: "sa")
        let named = APIError.forbidden(RequestAttributes(verb: "patch", namespace: "ns", resource: "serviceaccounts", name: "x"), user: user, reason: "")
        #expect(named.code == 403)
        #expect(named.reason == "Forbidden")
        #expect(named.message == #"serviceaccounts "x" is forbidden: User "system:serviceaccount:ns:sa" cannot patch resource "serviceaccounts" in API group "" in the namespace "ns""#)
        #expect(named.details == ["name": "x", "kind": "serviceaccounts"])

        let cluster = APIError.forbidden(RequestAttributes(verb: "list", apiGroup: "trustline.dev", resource: "workloadawsaccesses"), user: user, reason: "")
        #expect(cluster.message == #"workloadawsaccesses.trustline.dev is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "workloadawsaccesses" in API group "trustline.dev" at the cluster scope"#)
        #expect(cluster.details == ["group": "trustline.dev", "kind": "workloadawsaccesses"])

        let status = APIError.forbidden(
            RequestAttributes(verb: "update", apiGroup: "trustline.dev", namespace: "p", resource: "workloadawsaccesses", subresource: "status", name: "a"),
            user: user, reason: "RBAC: role.rbac.authorization.k8s.io \"gone\" not found")
        #expect(status.message == #"workloadawsaccesses.trustline.dev "a" is forbidden: User "system:serviceaccount:ns:sa" cannot update resource "workloadawsaccesses/status" in API group "trustline.dev" in the namespace "p": RBAC: role.rbac.authorization.k8s.io "gone" not found"#)

        let path = APIError.forbidden(RequestAttributes(verb: "get", path: "/openid/v1/jwks", isResourceRequest: false), user: user, reason: "")
        #expect(path.message == #"forbidden: User "system:serviceaccount:ns:sa" cannot get path "/openid/v1/jwks""#)
        #expect(path.details == [:])
        #expect(path.statusBody["details"] == [:])
    }
}
