/// One rule of a Role or ClusterRole, matched the way Kubernetes's RBAC authorizer matches it:
/// `*` in verbs, apiGroups and resources matches everything, `*/sub` matches that subresource of
/// any resource, an empty `resourceNames` matches every name, and a non-resource URL ending in
/// `*` matches every path it prefixes.
struct PolicyRule: Sendable, Equatable {
    var verbs: [String]
    var apiGroups: [String] = []
    var resources: [String] = []
    var resourceNames: [String] = []
    var nonResourceURLs: [String] = []

    init(verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [], nonResourceURLs: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    /// A rule as stored in a role's `rules`; missing lists are empty (and so match nothing).
    init(_ stored: JSONValue) {
        func strings(_ field: String) -> [String] { stored[field]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        self.init(
            verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
            resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"))
    }

    func allows(_ request: RequestAttributes) -> Bool {
        guard verbs.contains("*") || verbs.contains(request.verb) else { return false }
        guard request.isResourceRequest else { return matchesNonResourceURL(request.path) }
        return (apiGroups.contains("*") || apiGroups.contains(request.apiGroup))
            && matchesResource(request.combinedResource, subresource: request.subresource)
            && (resourceNames.isEmpty || resourceNames.contains(request.name))
    }

    private func matchesResource(_ combined: String, subresource: String) -> Bool {
        resources.contains { ruleResource in
            ruleResource == "*" || ruleResource == combined
                || (!subresource.isEmpty && ruleResource == "*/" + subresource)
        }
    }

    private func matchesNonResourceURL(_ path: String) -> Bool {
        nonResourceURLs.contains { url in
            if url == "*" || url == path { return true }
            guard url.hasSuffix("*") else { return false }
            return path.hasPrefix(String(url.dropLast(url.reversed().prefix { $0 == "*" }.count)))
        }
    }
}
