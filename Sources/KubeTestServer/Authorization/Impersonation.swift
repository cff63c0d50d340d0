/// `Impersonate-User` / `Impersonate-Group` (what `kubectl --as` and `--as-group` send): the
/// request is then authorized as the named user, as the API server's impersonation filter does,
/// provided the requester may `impersonate` that user, each group and, for a ServiceAccount user
/// name, that ServiceAccount. Without it, `kubectl auth can-i --as=...` would answer for the admin,
/// a leniency that hides a missing RBAC rule.
struct Impersonation: Sendable, Equatable {
    var userName: String
    var groups: [String]

    /// Nil when the request asks for no impersonation.
    init?(user: String, groups: [String]) {
        guard !user.isEmpty || !groups.isEmpty else { return nil }
        userName = user
        self.groups = groups
    }

    /// The RBAC checks the requester must pass, one per impersonated identity.
    var requiredPermissions: [RequestAttributes] {
        var checks: [RequestAttributes] = []
        if let serviceAccount = serviceAccountParts {
            checks.append(RequestAttributes(verb: "impersonate", namespace: serviceAccount.namespace, resource: "serviceaccounts", name: serviceAccount.name))
        } else {
            checks.append(RequestAttributes(verb: "impersonate", resource: "users", name: userName))
        }
        for group in groups {
            checks.append(RequestAttributes(verb: "impersonate", resource: "groups", name: group))
        }
        return checks
    }

    /// Who the request then runs as: a ServiceAccount user name without groups gets the
    /// ServiceAccount groups; everyone but `system:anonymous` is in `system:authenticated`.
    var user: AuthenticatedUser {
        var resolvedGroups = groups
        if groups.isEmpty, let serviceAccount = serviceAccountParts {
            resolvedGroups = AuthenticatedUser.serviceAccount(namespace: serviceAccount.namespace, name: serviceAccount.name).groups
        }
        if userName != AuthenticatedUser.anonymous.name, !resolvedGroups.contains("system:authenticated") {
            resolvedGroups.append("system:authenticated")
        }
        return AuthenticatedUser(name: userName, groups: resolvedGroups)
    }

    private var serviceAccountParts: (namespace: String, name: String)? {
        let parts = userName.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", !parts[2].isEmpty, !parts[3].isEmpty else {
            return nil
        }
        return (String(parts[2]), String(parts[3]))
    }
}
