import Foundation

/// What an admission request is about, as webhook `rules` and selectors see it.
struct AdmissionAttributes: Sendable {
    var operation: String
    var type: ResourceType
    var subresource: String = ""
    var namespace: String?
    var namespaceLabels: [String: String]
    var objectLabels: [String: String]
}

/// Whether a webhook is called for a request: a rule matching operation, group, version,
/// resource and scope, then `namespaceSelector` and `objectSelector` (the API server's
/// `ShouldCallHook`; `matchConditions` CEL is not evaluated, so such webhooks are always called).
/// Pure; a malformed selector is an error naming the webhook.
enum WebhookMatching {
    static func shouldCall(_ webhook: MutatingWebhook, _ attributes: AdmissionAttributes) throws -> Bool {
        guard webhook.rules.contains(where: { ruleMatches($0, attributes) }) else { return false }
        // Cluster-scoped objects (and namespaces themselves, judged by their own labels) pass
        // the namespace selector as in the real matcher.
        if let namespace = attributes.namespace, !namespace.isEmpty, attributes.type.namespaced {
            guard try selector(webhook.namespaceSelector, webhook: webhook, field: "namespaceSelector").matches(attributes.namespaceLabels)
            else { return false }
        } else if attributes.type.key.description == "namespaces" {
            guard try selector(webhook.namespaceSelector, webhook: webhook, field: "namespaceSelector").matches(attributes.objectLabels)
            else { return false }
        }
        return try selector(webhook.objectSelector, webhook: webhook, field: "objectSelector").matches(attributes.objectLabels)
    }

    static func ruleMatches(_ rule: JSONValue, _ attributes: AdmissionAttributes) -> Bool {
        func list(_ key: String) -> [String] { rule[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let operations = list("operations")
        guard operations.contains("*") || operations.contains(attributes.operation) else { return false }
        let groups = list("apiGroups")
        guard groups.contains("*") || groups.contains(attributes.type.group) else { return false }
        let versions = list("apiVersions")
        guard versions.contains("*") || versions.contains(attributes.type.version) else { return false }
        let resource = attributes.type.plural
        let requested = attributes.subresource.isEmpty ? resource : "\(resource)/\(attributes.subresource)"
        let resourceMatches = list("resources").contains { pattern in
            if pattern == "*/*" || pattern == requested { return true }
            if pattern == "*" { return attributes.subresource.isEmpty }
            if pattern == "\(resource)/*" { return !attributes.subresource.isEmpty }
            if pattern.hasPrefix("*/") { return !attributes.subresource.isEmpty && pattern.dropFirst(2) == attributes.subresource }
            return false
        }
        guard resourceMatches else { return false }
        switch rule["scope"]?.stringValue ?? "*" {
        case "Cluster": return !attributes.type.namespaced
        case "Namespaced": return attributes.type.namespaced
        default: return true
        }
    }

    /// A `metav1.LabelSelector` (`matchLabels` and `matchExpressions`) as requirements.
    static func selector(_ value: JSONValue, webhook: MutatingWebhook, field: String) throws -> LabelSelector {
        var requirements: [LabelSelector.Requirement] = []
        for (key, label) in (value["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(key, label.stringValue ?? ""))
        }
        for expression in value["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = Set(expression["values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let wrong = { (why: String) in
                APIError(
                    code: 500, reason: "InternalError",
                    message: "Internal error occurred: webhook \"\(webhook.name)\" has an invalid \(field): \(why)")
            }
            switch expression["operator"]?.stringValue ?? "" {
            case "In":
                if values.isEmpty { throw wrong("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty") }
                requirements.append(.isIn(key, values))
            case "NotIn":
                if values.isEmpty { throw wrong("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty") }
                requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            case let other: throw wrong("\"\(other)\" is not a valid label selector operator")
            }
        }
        return LabelSelector(requirements: requirements)
    }
}
