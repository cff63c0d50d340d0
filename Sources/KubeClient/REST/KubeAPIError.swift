import Foundation
import HTTPTransport
import KubeModels

/// A request the API server answered with an error status, as a value: the HTTP code, the
/// decoded `Status` body (reason, message, causes) and `Retry-After`, classified so callers
/// branch on `category` instead of parsing messages.
public struct KubeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; 409 is split by `reason` into conflict and alreadyExists.
    public enum Category: String, Sendable, Equatable {
        case badRequest
        case unauthorized
        case forbidden
        case notFound
        case methodNotAllowed
        case alreadyExists
        /// Optimistic-concurrency conflict: stale resourceVersion or failed precondition.
        case conflict
        /// 410: the requested resourceVersion is too old; relist.
        case gone
        /// 422 with per-field `causes`.
        case invalid
        case tooManyRequests
        case serverError
        case other
    }

    public var code: Int
    public var status: Status
    /// From the `Retry-After` header, else `status.details.retryAfterSeconds`.
    public var retryAfter: Duration?

    public init(code: Int, status: Status, retryAfter: Duration? = nil) {
        self.code = code
        self.status = status
        self.retryAfter = retryAfter
    }

    /// Builds the error from a raw response, tolerating bodies that are not a `Status`.
    public init(code: Int, body: Data, headers: HTTPHeaders) {
        var status: Status
        if let decoded = try? JSONDecoder().decode(Status.self, from: body), decoded.kind == "Status" || decoded.reason != nil {
            status = decoded
        } else {
            let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            status = Status(message: text.isEmpty ? "HTTP \(code)" : text, reason: nil, code: code)
        }
        if status.code == nil { status.code = code }
        var retryAfter: Duration?
        if let header = headers["Retry-After"], let seconds = Int(header.trimmingCharacters(in: .whitespaces)) {
            retryAfter = .seconds(max(0, seconds))
        } else if let seconds = status.details?.retryAfterSeconds {
            retryAfter = .seconds(max(0, seconds))
        }
        self.init(code: code, status: status, retryAfter: retryAfter)
    }

    public var reason: String? { status.reason }
    public var message: String { status.message ?? "HTTP \(code)" }
    public var causes: [StatusCause] { status.details?.causes ?? [] }

    public var category: Category {
        switch code {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 409: return status.reason == "AlreadyExists" ? .alreadyExists : .conflict
        case 410: return .gone
        case 422: return .invalid
        case 429: return .tooManyRequests
        case 500...599: return .serverError
        default: return .other
        }
    }

    public var isNotFound: Bool { category == .notFound }
    public var isConflict: Bool { category == .conflict }
    public var isAlreadyExists: Bool { category == .alreadyExists }
    public var isGone: Bool { category == .gone }
    /// Worth retrying with backoff: throttling, server errors.
    public var isRetryable: Bool { category == .tooManyRequests || category == .serverError }

    public var description: String {
        var text = "Kubernetes API error \(code)"
        if let reason = status.reason { text += " \(reason)" }
        text += ": \(message)"
        for cause in causes {
            text += "\n  \(cause.field ?? "-"): \(cause.message ?? cause.reason ?? "")"
        }
        return text
    }
}

/// Client-side failures that are not API statuses: a missing namespace, a response that does
/// not decode, a body that cannot be encoded.
public enum KubeClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A namespaced kind was addressed without a namespace.
    case namespaceRequired(kind: String)
    /// The object to write has no `metadata.name` (and no `generateName` where allowed).
    case nameRequired(kind: String)
    /// The server's answer did not decode as the expected type.
    case undecodableResponse(type: String, problem: String, bodyPrefix: String)
    case unencodableBody(type: String, problem: String)

    public var description: String {
        switch self {
        case .namespaceRequired(let kind): "\(kind) is namespaced: a namespace is required"
        case .nameRequired(let kind): "\(kind) needs metadata.name"
        case .undecodableResponse(let type, let problem, let body): "response is not a valid \(type): \(problem); body: \(body)"
        case .unencodableBody(let type, let problem): "cannot encode \(type): \(problem)"
        }
    }
}
