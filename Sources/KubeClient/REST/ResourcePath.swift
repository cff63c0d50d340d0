import Foundation
import KubeModels

/// Builds REST paths from a `ResourceDescriptor`: `/api/v1/...` for the core group,
/// `/apis/{group}/{version}/...` otherwise, with `namespaces/{ns}/` for namespaced kinds.
struct ResourcePath {
    static func collection(_ descriptor: ResourceDescriptor, namespace: String?) throws -> String {
        var path = descriptor.group.isEmpty ? "/api/\(descriptor.version)" : "/apis/\(descriptor.group)/\(descriptor.version)"
        if descriptor.namespaced, let namespace {
            path += "/namespaces/\(escape(namespace))"
        }
        return path + "/\(descriptor.plural)"
    }

    static func object(
        _ descriptor: ResourceDescriptor, namespace: String?, name: String, subresource: String? = nil
    ) throws -> String {
        if descriptor.namespaced, namespace?.isEmpty ?? true {
            throw KubeClientError.namespaceRequired(kind: descriptor.kind)
        }
        guard !name.isEmpty else { throw KubeClientError.nameRequired(kind: descriptor.kind) }
        var path = try collection(descriptor, namespace: namespace) + "/\(escape(name))"
        if let subresource { path += "/\(subresource)" }
        return path
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static let unreserved: CharacterSet = {
        var set = CharacterSet()
        set.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return set
    }()

    static func url(server: URL, path: String, query: [URLQueryItem]) -> URL? {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var text = base + path
        if !query.isEmpty {
            text += "?" + query.map { "\(escape($0.name))=\(escape($0.value ?? ""))" }.joined(separator: "&")
        }
        return URL(string: text)
    }
}
