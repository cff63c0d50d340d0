/// The `type` field of a watch event line.
public enum WatchEventType: String, Codable, Sendable, Equatable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One line of a watch stream, typed. A bookmark carries only the resourceVersion to resume
/// from (its object has no spec); an error carries a `Status` (code 410 means "relist").
public enum WatchEvent<Object: KubernetesResource>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    case bookmark(resourceVersion: String)
    case error(Status)

    /// The resourceVersion this event moves the watch to, if any.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object):
            return object.metadata.resourceVersion
        case .bookmark(let resourceVersion):
            return resourceVersion
        case .error:
            return nil
        }
    }

    public var type: WatchEventType {
        switch self {
        case .added: .added
        case .modified: .modified
        case .deleted: .deleted
        case .bookmark: .bookmark
        case .error: .error
        }
    }
}

extension WatchEvent: Decodable {
    private enum CodingKeys: String, CodingKey { case type, object }

    /// Just enough of a bookmark's object to read its resourceVersion.
    private struct BookmarkObject: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(WatchEventType.self, forKey: .type)
        switch type {
        case .added: self = .added(try container.decode(Object.self, forKey: .object))
        case .modified: self = .modified(try container.decode(Object.self, forKey: .object))
        case .deleted: self = .deleted(try container.decode(Object.self, forKey: .object))
        case .bookmark:
            let object = try container.decode(BookmarkObject.self, forKey: .object)
            guard let version = object.metadata?.resourceVersion else {
                throw DecodingError.dataCorruptedError(
                    forKey: .object, in: container, debugDescription: "BOOKMARK event without metadata.resourceVersion")
            }
            self = .bookmark(resourceVersion: version)
        case .error: self = .error(try container.decode(Status.self, forKey: .object))
        }
    }
}

extension WatchEvent: Encodable {
    private struct BookmarkBody: Encodable {
        struct Metadata: Encodable { var resourceVersion: String }
        var kind: String
        var apiVersion: String
        var metadata: Metadata
    }

    /// Encodes as the API server writes a watch line (used by fakes and tests).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .added(let object), .modified(let object), .deleted(let object):
            try container.encode(object, forKey: .object)
        case .bookmark(let resourceVersion):
            let body = BookmarkBody(
                kind: Object.descriptor.kind, apiVersion: Object.descriptor.apiVersion,
                metadata: .init(resourceVersion: resourceVersion))
            try container.encode(body, forKey: .object)
        case .error(let status):
            try container.encode(status, forKey: .object)
        }
    }
}
