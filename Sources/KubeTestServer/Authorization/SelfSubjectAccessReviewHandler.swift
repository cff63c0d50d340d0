import Foundation
import Hummingbird

/// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`: asks the authorizer whether
/// the caller may do what `spec` describes, as `kubectl auth can-i` does. Nothing is stored.
struct SelfSubjectAccessReviewHandler: Sendable {
    let authorizer: RBACAuthorizer

    func create(_ body: JSONValue, user: AuthenticatedUser) throws -> Response {
        let resource = body[path: ["spec", "resourceAttributes"]]
        let nonResource = body[path: ["spec", "nonResourceAttributes"]]
        var errors: [FieldError] = []
        if (resource == nil || resource == .null) == (nonResource == nil || nonResource == .null) {
            errors.append(FieldError(
                field: "spec.resourceAttributes", reason: "FieldValueInvalid",
                message: "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        }
        if !errors.isEmpty {
            throw APIError.invalid(kind: "SelfSubjectAccessReview", group: "authorization.k8s.io", name: "", errors: errors)
        }
        let request: RequestAttributes
        if let resource, resource != .null {
            func field(_ name: String) -> String { resource[name]?.stringValue ?? "" }
            request = RequestAttributes(
                verb: field("verb"), apiGroup: field("group"), apiVersion: field("version"), namespace: field("namespace"),
                resource: field("resource"), subresource: field("subresource"), name: field("name"))
        } else {
            request = RequestAttributes(
                verb: nonResource?["verb"]?.stringValue ?? "", path: nonResource?["path"]?.stringValue ?? "",
                isResourceRequest: false)
        }
        let decision = authorizer.authorize(user, request)
        var status: JSONValue = ["allowed": .bool(decision.allowed)]
        if !decision.reason.isEmpty { status["reason"] = .string(decision.reason) }
        var review = body
        review["kind"] = "SelfSubjectAccessReview"
        review["apiVersion"] = "authorization.k8s.io/v1"
        review["metadata"] = ["creationTimestamp": .null]
        review["status"] = status
        return Reply.json(review, status: 201)
    }
}
