import Foundation
import KubeModels

/// Query parameters of a list call. `limit` + `continueToken` page through large collections.
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    /// `Exact` or `NotOlderThan`.
    public var resourceVersionMatch: String?

    public init(
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        limit: Int? = nil,
        continueToken: String? = nil,
        resourceVersion: String? = nil,
        resourceVersionMatch: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if let labelSelector { items.append(.init(name: "labelSelector", value: labelSelector)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector)) }
        if let limit { items.append(.init(name: "limit", value: String(limit))) }
        if let continueToken { items.append(.init(name: "continue", value: continueToken)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        if let resourceVersionMatch { items.append(.init(name: "resourceVersionMatch", value: resourceVersionMatch)) }
        return items
    }
}

/// Query parameters of one watch connection.
public struct WatchOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version; nil or "0" starts from "any" (synthetic ADDED events first).
    public var resourceVersion: String?
    /// The server ends the watch after this many seconds.
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool

    public init(
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        resourceVersion: String? = nil,
        timeoutSeconds: Int? = nil,
        allowWatchBookmarks: Bool = true
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
    }

    var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = [.init(name: "watch", value: "true")]
        if let labelSelector { items.append(.init(name: "labelSelector", value: labelSelector)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        if let timeoutSeconds { items.append(.init(name: "timeoutSeconds", value: String(timeoutSeconds))) }
        if allowWatchBookmarks { items.append(.init(name: "allowWatchBookmarks", value: "true")) }
        return items
    }
}

/// Options common to create, update and patch.
public struct WriteOptions: Sendable, Equatable {
    public var fieldManager: String?
    /// Server-side apply only: take ownership of conflicting fields.
    public var force: Bool
    /// Validate and answer as if written, without persisting.
    public var dryRun: Bool

    public init(fieldManager: String? = nil, force: Bool = false, dryRun: Bool = false) {
        self.force = force
        self.fieldManager = fieldManager
        self.dryRun = dryRun
    }

    var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if let fieldManager { items.append(.init(name: "fieldManager", value: fieldManager)) }
        if force { items.append(.init(name: "force", value: "true")) }
        if dryRun { items.append(.init(name: "dryRun", value: "All")) }
        return items
    }
}

/// `metav1.DeleteOptions`: preconditions make the delete conditional on the object still being
/// the one we looked at.
public struct DeleteOptions: Codable, Sendable, Equatable {
    /// `Foreground`, `Background` or `Orphan`.
    public enum PropagationPolicy: String, Codable, Sendable {
        case foreground = "Foreground"
        case background = "Background"
        case orphan = "Orphan"
    }

    /// Delete only if the object still has this uid / resourceVersion (else 409 Conflict).
    public struct Preconditions: Codable, Sendable, Equatable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public var kind: String = "DeleteOptions"
    public var apiVersion: String = "v1"
    public var preconditions: Preconditions?
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int64?
    public var dryRun: [String]?

    public init(
        preconditions: Preconditions? = nil,
        propagationPolicy: PropagationPolicy? = nil,
        gracePeriodSeconds: Int64? = nil,
        dryRun: Bool = false
    ) {
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun ? ["All"] : nil
    }
}

/// A patch body with its content type.
public struct Patch: Sendable, Equatable {
    /// The patch format, as its `Content-Type`.
    public enum Kind: String, Sendable, Equatable {
        case merge = "application/merge-patch+json"
        case json = "application/json-patch+json"
        case apply = "application/apply-patch+yaml"
    }

    public var kind: Kind
    public var body: Data

    public init(kind: Kind, body: Data) {
        self.kind = kind
        self.body = body
    }

    /// RFC 7386 JSON merge patch: `null` removes a key, objects merge, everything else replaces.
    public static func merge(_ value: some Encodable) throws -> Patch {
        Patch(kind: .merge, body: try JSONEncoder().encode(value))
    }

    /// RFC 6902 JSON patch.
    public static func json(_ operations: [JSONPatchOperation]) throws -> Patch {
        Patch(kind: .json, body: try JSONEncoder().encode(operations))
    }
}

/// One RFC 6902 operation.
public struct JSONPatchOperation: Codable, Sendable, Equatable {
    /// The RFC 6902 `op`.
    public enum Operation: String, Codable, Sendable {
        case add, remove, replace, move, copy, test
    }

    public var op: Operation
    /// A JSON pointer, e.g. `/metadata/finalizers/0` (`~1` escapes `/`, `~0` escapes `~`).
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: Operation, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    /// Escapes one JSON pointer segment, e.g. an annotation key `eks.amazonaws.com/role-arn`.
    public static func escape(_ segment: String) -> String {
        segment.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

/// A subresource addressed by PUT or PATCH.
public enum Subresource: String, Sendable, Equatable {
    case status
    case scale
}

/// What a delete did: the object is gone, or it still exists with `deletionTimestamp` set
/// because finalizers are pending.
public enum DeletionResult<Object: KubernetesResource>: Sendable {
    case deleted
    case pending(Object)
}
