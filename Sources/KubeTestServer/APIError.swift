import Foundation

/// A failure answered as a Kubernetes `Status` body, built the way the real API server builds it
/// so clients that branch on `reason`, `code` and `details.causes` behave as against a cluster.
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?
    var retryAfterSeconds: Int?

    /// The `Status` object sent as the response body (and inside watch `ERROR` events).
    var statusBody: JSONValue {
        var body: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:],
            "status": "Failure", "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details { body["details"] = details }
        return body
    }

    static func details(name: String?, group: String, kind: String, causes: [JSONValue]? = nil) -> JSONValue {
        var details: JSONValue = [:]
        if let name { details["name"] = .string(name) }
        if !group.isEmpty { details["group"] = .string(group) }
        details["kind"] = .string(kind)
        if let causes { details["causes"] = .array(causes) }
        return details
    }

    /// `plural.group`, or just `plural` for the core group, as in real messages.
    static func qualified(_ plural: String, _ group: String) -> String {
        group.isEmpty ? plural : "\(plural).\(group)"
    }

    static func notFound(plural: String, group: String, name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(qualified(plural, group)) \"\(name)\" not found",
            details: details(name: name, group: group, kind: plural))
    }

    static func alreadyExists(plural: String, group: String, name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(qualified(plural, group)) \"\(name)\" already exists",
            details: details(name: name, group: group, kind: plural))
    }

    static func conflict(plural: String, group: String, name: String, why: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualified(plural, group)) \"\(name)\": \(why)",
            details: details(name: name, group: group, kind: plural))
    }

    static func staleResourceVersion(plural: String, group: String, name: String) -> APIError {
        conflict(
            plural: plural, group: group, name: name,
            why: "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// 422 with one cause per field error, message formatted like apimachinery's `NewInvalid`.
    static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIError {
        let rendered = errors.map { "\($0.field): \($0.message)" }
        let summary = rendered.count == 1 ? rendered[0] : "[" + rendered.joined(separator: ", ") + "]"
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return APIError(
            code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)",
            details: details(
                name: name, group: group, kind: kind,
                causes: errors.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] }))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: \(accepted.joined(separator: ", "))")
    }

    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    /// What a fault injector or a test asks for: any code, with the reason the real server uses for it.
    static func injected(code: Int, retryAfterSeconds: Int?) -> APIError {
        switch code {
        case 409:
            return APIError(
                code: 409, reason: "Conflict",
                message: "Operation cannot be fulfilled: injected conflict; please apply your changes to the latest version and try again")
        case 410:
            return gone("too old resource version (injected)")
        case 429:
            return APIError(
                code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                details: ["retryAfterSeconds": .int(Int64(retryAfterSeconds ?? 1))],
                retryAfterSeconds: retryAfterSeconds ?? 1)
        case 500:
            return APIError(
                code: 500, reason: "InternalError", message: "Internal error occurred: injected fault",
                details: ["causes": [["message": "injected fault"]]])
        case 503:
            return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request",
                            retryAfterSeconds: retryAfterSeconds)
        default:
            return APIError(code: code, reason: "InternalError", message: "injected status \(code)")
        }
    }
}

/// One field error of a 422, as apimachinery's `field.Error` renders it.
struct FieldError: Sendable, Equatable {
    var field: String
    var reason: String
    var message: String

    static func required(_ field: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueRequired", message: "Required value")
    }

    static func invalid(_ field: String, value: JSONValue, detail: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueInvalid", message: "Invalid value: \(renderValue(value)): \(detail)")
    }

    static func renderValue(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .null: return "null"
        case .array: return "[]"
        case .object: return "\"object\""
        }
    }
}
