import Foundation

/// What the authorizer decides on, derived from the method, path and query exactly as the API
/// server's request-info resolver derives it: resource requests (`/api/v1/...`,
/// `/apis/GROUP/VERSION/...`) get a verb such as `list`, `watch` or `deletecollection`, a
/// namespace, resource, subresource and name; every other path is a non-resource request whose
/// verb is the lower-cased HTTP method.
struct RequestAttributes: Sendable, Equatable {
    var verb: String
    var path: String
    var isResourceRequest = false
    var apiGroup = ""
    var apiVersion = ""
    var namespace = ""
    var resource = ""
    var subresource = ""
    var name = ""

    /// Path segments naming a subresource of a namespace rather than a resource inside it.
    private static let namespaceSubresources: Set<String> = ["status", "finalize"]

    init(
        verb: String, path: String = "", isResourceRequest: Bool = true, apiGroup: String = "", apiVersion: String = "v1",
        namespace: String = "", resource: String = "", subresource: String = "", name: String = ""
    ) {
        self.verb = verb
        self.path = path
        self.isResourceRequest = isResourceRequest
        self.apiGroup = apiGroup
        self.apiVersion = apiVersion
        self.namespace = namespace
        self.resource = resource
        self.subresource = subresource
        self.name = name
    }

    init(method: String, path: String, query: [String: String]) {
        self.path = path
        verb = method.lowercased()
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, let prefix = parts.first, prefix == "api" || prefix == "apis" else { return }
        parts.removeFirst()
        if prefix == "apis" {
            guard parts.count >= 3 else { return }
            apiGroup = parts.removeFirst()
        }
        isResourceRequest = true
        apiVersion = parts.removeFirst()
        var viaWatchPath = false
        if parts.first == "watch" || parts.first == "proxy" {
            // `/watch/...` and `/proxy/...` name the verb in the path.
            verb = parts.removeFirst()
            viaWatchPath = true
            if parts.isEmpty { return }
        } else {
            verb = switch method {
            case "POST": "create"
            case "GET", "HEAD": "get"
            case "PUT": "update"
            case "PATCH": "patch"
            case "DELETE": "delete"
            default: ""
            }
        }
        if parts.first == "namespaces" {
            if parts.count > 1 {
                namespace = parts[1]
                if parts.count > 2 && !Self.namespaceSubresources.contains(parts[2]) { parts.removeFirst(2) }
            }
        }
        if parts.count >= 3 && verb != "proxy" { subresource = parts[2] }
        if parts.count >= 2 { name = parts[1] }
        if parts.count >= 1 { resource = parts[0] }
        if name.isEmpty && verb == "get" && !viaWatchPath {
            verb = Self.parseBool(query["watch"]) ? "watch" : "list"
            // A list or watch of one object by `metadata.name` is authorized as that name.
            if let selected = Self.exactName(query["fieldSelector"]) { name = selected }
        }
        if name.isEmpty && verb == "delete" { verb = "deletecollection" }
    }

    /// Go's `strconv.ParseBool` true values, which the query-parameter decoder uses.
    private static func parseBool(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "t", "T", "TRUE", "true", "True"].contains(value)
    }

    /// The name a field selector requires exactly (`metadata.name=x` or `==x`), if it is a valid
    /// path segment.
    private static func exactName(_ selector: String?) -> String? {
        guard let selector else { return nil }
        for term in selector.split(separator: ",") {
            let text = term.trimmingCharacters(in: .whitespaces)
            for separator in ["==", "="] where text.hasPrefix("metadata.name" + separator) {
                let value = String(text.dropFirst(("metadata.name" + separator).count))
                guard !value.isEmpty, value != ".", value != "..", !value.contains("/"), !value.contains("%") else { return nil }
                return value
            }
        }
        return nil
    }

    /// `resource/subresource`, the form RBAC rules and messages use.
    var combinedResource: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }
}
