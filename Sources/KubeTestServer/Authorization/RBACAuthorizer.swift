/// Decides requests the way Kubernetes's RBAC authorizer does, from the Roles, ClusterRoles and
/// their bindings in the store plus `BootstrapPolicy`: ClusterRoleBindings grant everywhere,
/// RoleBindings only in their namespace (to a Role of that namespace or a ClusterRole), and a
/// request is allowed when any rule of any role bound to the user allows it.
struct RBACAuthorizer: Sendable {
    let store: ObjectStore

    /// The answer and, on a denial, the problems met on the way (a binding whose role does not
    /// exist), which Kubernetes appends to the 403 message as `RBAC: ...`.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var reason: String
    }

    static let group = "rbac.authorization.k8s.io"
    private static let roles = ResourceKey(group: group, plural: "roles")
    private static let roleBindings = ResourceKey(group: group, plural: "rolebindings")
    private static let clusterRoles = ResourceKey(group: group, plural: "clusterroles")
    private static let clusterRoleBindings = ResourceKey(group: group, plural: "clusterrolebindings")

    func authorize(_ user: AuthenticatedUser, _ request: RequestAttributes) -> Decision {
        if user.isSuperuser { return Decision(allowed: true, reason: "") }
        let outcome: Decision? = try? store.read { state in Self.decide(user, request, state: state) }
        return outcome ?? Decision(allowed: false, reason: "")
    }

    private static func decide(_ user: AuthenticatedUser, _ request: RequestAttributes, state: StoreState) -> Decision {
        var problems: [String] = []
        for binding in BootstrapPolicy.clusterRoleBindings where binding.groups.contains(where: user.groups.contains) {
            if clusterRoleRules(binding.role, state: state)?.contains(where: { $0.allows(request) }) == true {
                return Decision(allowed: true, reason: "")
            }
        }
        for (_, binding) in state.sortedObjects(clusterRoleBindings) where appliesTo(user, binding, bindingNamespace: "") {
            guard binding[path: ["roleRef", "kind"]]?.stringValue == "ClusterRole",
                let roleName = binding[path: ["roleRef", "name"]]?.stringValue
            else { continue }
            guard let rules = clusterRoleRules(roleName, state: state) else {
                problems.append("clusterrole.\(group) \"\(roleName)\" not found")
                continue
            }
            if rules.contains(where: { $0.allows(request) }) { return Decision(allowed: true, reason: "") }
        }
        if !request.namespace.isEmpty {
            let prefix = request.namespace + "/"
            for (key, binding) in state.sortedObjects(roleBindings) where key.hasPrefix(prefix) {
                guard appliesTo(user, binding, bindingNamespace: request.namespace),
                    let roleName = binding[path: ["roleRef", "name"]]?.stringValue
                else { continue }
                let kind = binding[path: ["roleRef", "kind"]]?.stringValue
                let rules: [PolicyRule]?
                switch kind {
                case "ClusterRole": rules = clusterRoleRules(roleName, state: state)
                case "Role": rules = state.object(roles, namespace: request.namespace, name: roleName).map(storedRules)
                default: continue
                }
                guard let rules else {
                    problems.append("\(kind == "Role" ? "role" : "clusterrole").\(group) \"\(roleName)\" not found")
                    continue
                }
                if rules.contains(where: { $0.allows(request) }) { return Decision(allowed: true, reason: "") }
            }
        }
        let reason: String
        switch problems.count {
        case 0: reason = ""
        case 1: reason = "RBAC: " + problems[0]
        default: reason = "RBAC: [" + problems.joined(separator: ", ") + "]"
        }
        return Decision(allowed: false, reason: reason)
    }

    private static func clusterRoleRules(_ name: String, state: StoreState) -> [PolicyRule]? {
        if let stored = state.object(clusterRoles, namespace: nil, name: name) { return storedRules(stored) }
        return BootstrapPolicy.clusterRoles[name]
    }

    private static func storedRules(_ role: JSONValue) -> [PolicyRule] {
        (role["rules"]?.arrayValue ?? []).map(PolicyRule.init)
    }

    /// Whether one of the binding's subjects is the user, one of its groups, or (for kind
    /// ServiceAccount, whose namespace defaults to a RoleBinding's own) its ServiceAccount.
    static func appliesTo(_ user: AuthenticatedUser, _ binding: JSONValue, bindingNamespace: String) -> Bool {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            guard let name = subject["name"]?.stringValue else { continue }
            switch subject["kind"]?.stringValue {
            case "User":
                if user.name == name { return true }
            case "Group":
                if user.groups.contains(name) { return true }
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? bindingNamespace
                if !namespace.isEmpty && user.name == AuthenticatedUser.serviceAccountUserName(namespace: namespace, name: name) {
                    return true
                }
            default:
                continue
            }
        }
        return false
    }
}
