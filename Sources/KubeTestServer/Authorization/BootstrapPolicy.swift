/// The default ClusterRoles and ClusterRoleBindings every Kubernetes cluster starts with, as far
/// as clients of this server need them: discovery, `kubectl auth can-i` and the public version
/// and health paths for every authenticated user, and `cluster-admin` for `system:masters`.
/// Stored objects of the same name take precedence, as a cluster admin's edits would.
enum BootstrapPolicy {
    static let clusterRoles: [String: [PolicyRule]] = [
        "cluster-admin": [
            PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
            PolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
        ],
        "system:discovery": [
            PolicyRule(
                verbs: ["get"],
                nonResourceURLs: [
                    "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
                    "/version", "/version/",
                ]),
        ],
        "system:basic-user": [
            PolicyRule(verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            PolicyRule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
        ],
        "system:public-info-viewer": [
            PolicyRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"]),
        ],
        "system:service-account-issuer-discovery": [
            PolicyRule(
                verbs: ["get"],
                nonResourceURLs: [
                    "/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks",
                    "/openid/v1/jwks/",
                ]),
        ],
    ]

    /// Binding name, ClusterRole and the groups it is bound to. Kubernetes binds the issuer
    /// discovery role to nobody by default; clusters whose issuer is read from outside (as this
    /// server's is, by tests that verify tokens) bind it to `system:unauthenticated`, which lets
    /// anonymous requests read it but still makes a ServiceAccount need its own rule.
    static let clusterRoleBindings: [(name: String, role: String, groups: [String])] = [
        ("cluster-admin", "cluster-admin", ["system:masters"]),
        ("system:discovery", "system:discovery", ["system:authenticated"]),
        ("system:basic-user", "system:basic-user", ["system:authenticated"]),
        ("system:public-info-viewer", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
        ("system:service-account-issuer-discovery-anonymous", "system:service-account-issuer-discovery", ["system:unauthenticated"]),
    ]
}
