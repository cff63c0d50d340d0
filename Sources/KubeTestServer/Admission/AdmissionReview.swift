import Foundation

/// The `admission.k8s.io/v1` `AdmissionReview` exchanged with a mutating webhook: the request
/// the API server sends, and the checks it makes on the answer (`VerifyAdmissionResponse`).
/// Pure; the dispatcher does the I/O.
enum AdmissionReview {
    /// What a webhook answered, once the answer passed the checks.
    enum Verdict: Sendable, Equatable {
        /// Allowed; the JSON patch operations (an empty array when the webhook changed nothing).
        case allowed(patch: JSONValue)
        /// `allowed: false` with the webhook's `status` (may be empty).
        case denied(status: JSONValue)
    }

    /// A reply that is not a usable AdmissionReview; treated as a failed call (`failurePolicy` applies).
    struct InvalidResponse: Error, Sendable, Equatable {
        var reason: String
    }

    static func request(
        uid: String, attributes: AdmissionAttributes, object: JSONValue, user: AuthenticatedUser?, dryRun: Bool
    ) -> JSONValue {
        let type = attributes.type
        let kind: JSONValue = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
        let resource: JSONValue = ["group": .string(type.group), "version": .string(type.version), "resource": .string(type.plural)]
        var request: JSONValue = [
            "uid": .string(uid), "kind": kind, "resource": resource, "requestKind": kind, "requestResource": resource,
            "operation": .string(attributes.operation), "object": object, "oldObject": nil, "dryRun": .bool(dryRun),
            "options": ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"],
        ]
        if !attributes.subresource.isEmpty { request["subResource"] = .string(attributes.subresource) }
        if !object.name.isEmpty { request["name"] = .string(object.name) }
        if let namespace = attributes.namespace, !namespace.isEmpty { request["namespace"] = .string(namespace) }
        if let user {
            request["userInfo"] = ["username": .string(user.name), "groups": .array(user.groups.map(JSONValue.string))]
        } else {
            request["userInfo"] = [:]
        }
        return ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request]
    }

    /// The response checks of the real server, in its order and with its wording.
    static func verdict(body: Data, uid: String) throws(InvalidResponse) -> Verdict {
        guard let review = try? JSONValue.parse(body), case .object = review else {
            throw InvalidResponse(reason: "failed to call webhook: the response body is not an AdmissionReview JSON object")
        }
        let apiVersion = review["apiVersion"]?.stringValue ?? ""
        let kind = review["kind"]?.stringValue ?? ""
        guard apiVersion == "admission.k8s.io/v1", kind == "AdmissionReview" else {
            throw InvalidResponse(
                reason: "received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got \(apiVersion), Kind=\(kind)")
        }
        guard let response = review["response"], case .object = response else {
            throw InvalidResponse(reason: "received invalid webhook response: webhook response was absent")
        }
        let answeredUID = response["uid"]?.stringValue ?? ""
        guard answeredUID == uid else {
            throw InvalidResponse(reason: "received invalid webhook response: expected response.uid=\"\(uid)\", got \"\(answeredUID)\"")
        }
        let encodedPatch = response["patch"]?.stringValue ?? ""
        let patchType = response["patchType"]?.stringValue
        if !encodedPatch.isEmpty {
            guard let patchType else {
                throw InvalidResponse(reason: "received invalid webhook response: webhook returned response.patch but not response.patchType")
            }
            guard patchType == "JSONPatch" else {
                throw InvalidResponse(reason: "received invalid webhook response: webhook returned invalid response.patchType of \"\(patchType)\"")
            }
        }
        guard response["allowed"]?.boolValue == true else {
            return .denied(status: response["status"] ?? [:])
        }
        if encodedPatch.isEmpty { return .allowed(patch: []) }
        // `patch` is Go `[]byte`: base64 in JSON. Bad base64 fails the response decoding.
        guard let patchBytes = Data(base64Encoded: encodedPatch) else {
            throw InvalidResponse(reason: "failed to call webhook: response.patch is not base64")
        }
        guard let patch = try? JSONValue.parse(patchBytes) else {
            return .allowed(patch: .string(String(decoding: patchBytes, as: UTF8.self)))
        }
        return .allowed(patch: patch)
    }

    /// The status error a denial becomes (`webhookutil.ToStatusErr`): at least 400, message
    /// prefixed with which webhook denied the request.
    static func denial(webhook: String, status: JSONValue) -> APIError {
        let deniedBy = "admission webhook \"\(webhook)\" denied the request"
        let code = Int(status["code"]?.intValue ?? 0)
        let message = status["message"]?.stringValue ?? ""
        let reason = status["reason"]?.stringValue ?? ""
        let text: String
        if !message.isEmpty {
            text = "\(deniedBy): \(message)"
        } else if !reason.isEmpty {
            text = "\(deniedBy): \(reason)"
        } else {
            text = "\(deniedBy) without explanation"
        }
        return APIError(code: code < 400 ? 400 : code, reason: reason, message: text, details: status["details"])
    }
}
