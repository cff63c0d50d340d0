import Foundation

extension APIError {
    /// The 403 the API server sends when authorization denies a request: `NewForbidden` around
    /// the responsewriters' `forbiddenMessage`, so clients see the same message and details.
    static func forbidden(_ request: RequestAttributes, user: AuthenticatedUser, reason: String) -> APIError {
        var message: String
        if request.isResourceRequest {
            let scope = request.namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(request.namespace)\""
            message = "User \"\(user.name)\" cannot \(request.verb) resource \"\(request.combinedResource)\" in API group \"\(request.apiGroup)\" \(scope)"
        } else {
            message = "User \"\(user.name)\" cannot \(request.verb) path \"\(request.path)\""
        }
        if !reason.isEmpty { message += ": " + reason }
        let sanitized = message.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        var details: JSONValue = [:]
        let full: String
        if !request.isResourceRequest || request.resource.isEmpty {
            full = "forbidden: " + sanitized
        } else {
            let qualified = APIError.qualified(request.resource, request.apiGroup)
            full = request.name.isEmpty ? "\(qualified) is forbidden: \(sanitized)" : "\(qualified) \"\(request.name)\" is forbidden: \(sanitized)"
            if !request.name.isEmpty { details["name"] = .string(request.name) }
            if !request.apiGroup.isEmpty { details["group"] = .string(request.apiGroup) }
            details["kind"] = .string(request.resource)
        }
        return APIError(code: 403, reason: "Forbidden", message: full, details: details)
    }
}

