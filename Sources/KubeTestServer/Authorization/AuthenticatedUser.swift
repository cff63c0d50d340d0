/// Who made a request, named as a real API server's authenticators name it: RBAC subjects of
/// kind User match `name`, subjects of kind Group match one of `groups`.
struct AuthenticatedUser: Sendable, Equatable {
    var name: String
    var groups: [String]

    /// The holder of the server's admin token: in `system:masters`, which is allowed everything.
    static let admin = AuthenticatedUser(name: "kube-test-server:admin", groups: ["system:masters", "system:authenticated"])

    /// A request without credentials, as with the API server's `--anonymous-auth=true` (the default).
    static let anonymous = AuthenticatedUser(name: "system:anonymous", groups: ["system:unauthenticated"])

    /// A ServiceAccount authenticated by one of its tokens, with the groups Kubernetes gives it.
    static func serviceAccount(namespace: String, name: String) -> AuthenticatedUser {
        AuthenticatedUser(
            name: serviceAccountUserName(namespace: namespace, name: name),
            groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"])
    }

    static func serviceAccountUserName(namespace: String, name: String) -> String {
        "system:serviceaccount:\(namespace):\(name)"
    }

    var isSuperuser: Bool { groups.contains("system:masters") }
}
