import Foundation
import HTTPTransport
import Logging

/// Mutating admission webhooks on CREATE, done the way the API server's mutating dispatcher
/// does them: every matching webhook in order, each answer checked and its JSON patch applied,
/// `failurePolicy` deciding what a failed call means, and one reinvocation pass for
/// `reinvocationPolicy: IfNeeded` webhooks that ran before a later webhook changed the object.
/// Calls go out over libcurl (`HTTPTransport`) trusting only the webhook's `caBundle`.
struct MutatingAdmission: Sendable {
    /// `NAMESPACE/NAME` of a Service to `HOST:PORT`: the test server cannot route to Services.
    var serviceHosts: [String: String]
    var logger: Logger?

    /// A call that did not produce a usable answer; `failurePolicy` decides (`ErrCallingWebhook`).
    struct CallFailure: Error {
        var webhook: String
        var reason: String
        var message: String { "failed calling webhook \"\(webhook)\": \(reason)" }
    }

    func admit(
        _ object: JSONValue, attributes: AdmissionAttributes, webhooks: [MutatingWebhook], user: AuthenticatedUser?,
        dryRun: Bool
    ) async throws -> JSONValue {
        var object = object
        var attributes = attributes
        var previouslyInvoked: Set<String> = []
        var reinvoke: Set<String> = []
        var changedAtAll = false
        for isReinvocation in [false, true] {
            if isReinvocation && !changedAtAll { break }
            for webhook in webhooks {
                if isReinvocation && !reinvoke.contains(webhook.identity) { continue }
                attributes.objectLabels = Self.labels(of: object)
                guard try WebhookMatching.shouldCall(webhook, attributes) else { continue }
                let changed: Bool
                do {
                    changed = try await call(webhook, object: &object, attributes: attributes, user: user, dryRun: dryRun)
                } catch let failure as CallFailure {
                    if webhook.failOpen {
                        logger?.warning("Failed calling webhook, failing open \(webhook.name): \(failure.message)")
                        continue
                    }
                    throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(failure.message)")
                }
                if changed {
                    reinvoke.formUnion(previouslyInvoked)
                    previouslyInvoked.removeAll()
                    changedAtAll = true
                }
                if webhook.reinvokeIfNeeded { previouslyInvoked.insert(webhook.identity) }
            }
        }
        return object
    }

    /// One webhook call; returns whether its patch changed the object.
    private func call(
        _ webhook: MutatingWebhook, object: inout JSONValue, attributes: AdmissionAttributes, user: AuthenticatedUser?,
        dryRun: Bool
    ) async throws -> Bool {
        if dryRun && !["None", "NoneOnDryRun"].contains(webhook.sideEffects) {
            throw APIError.badRequest("admission webhook \"\(webhook.name)\" does not support dry run")
        }
        guard webhook.admissionReviewVersions.contains("v1") else {
            throw CallFailure(
                webhook: webhook.name,
                reason: "could not create admission objects: webhook does not accept known AdmissionReview versions (v1)")
        }
        let url = try endpointURL(webhook)
        let uid = Stamp.uid()
        let review = AdmissionReview.request(uid: uid, attributes: attributes, object: object, user: user, dryRun: dryRun)
        let timeout = Duration.seconds(max(1, webhook.timeoutSeconds))
        let tls = webhook.caBundlePEM.map { HTTPTransport.TLSConfiguration(certificateAuthority: .pem($0)) } ?? .system
        let client = CurlHTTPClient(tls: tls, connectTimeout: timeout)
        let response: HTTPTransport.HTTPResponse
        do {
            response = try await client.send(
                HTTPTransport.HTTPRequest(
                    method: "POST", url: url, headers: ["Content-Type": "application/json", "Accept": "application/json"],
                    body: review.serialized(), timeout: timeout))
        } catch {
            throw CallFailure(webhook: webhook.name, reason: "failed to call webhook: Post \"\(url.absoluteString)\": \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw CallFailure(
                webhook: webhook.name,
                reason: "failed to call webhook: the server responded with status \(response.status) (\(String(decoding: response.body.prefix(200), as: UTF8.self)))")
        }
        let verdict: AdmissionReview.Verdict
        do throws(AdmissionReview.InvalidResponse) {
            verdict = try AdmissionReview.verdict(body: response.body, uid: uid)
        } catch {
            throw CallFailure(webhook: webhook.name, reason: error.reason)
        }
        switch verdict {
        case .denied(let status):
            throw AdmissionReview.denial(webhook: webhook.name, status: status)
        case .allowed(let patch):
            guard patch != [] else { return false }
            var patched: JSONValue
            do {
                patched = try Patches.jsonPatch(object, patch)
            } catch let error as APIError {
                throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(error.message)")
            }
            guard case .object = patched else {
                throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: the patched object is not a JSON object")
            }
            // The patched object is decoded and defaulted again before the next webhook sees it.
            if attributes.type.key.description == "pods" { PodDefaults.apply(&patched) }
            let changed = patched != object
            object = patched
            return changed
        }
    }

    /// `clientConfig.url` as given; `clientConfig.service` through the `--webhook-service-host` map.
    private func endpointURL(_ webhook: MutatingWebhook) throws -> URL {
        let base: String
        switch webhook.endpoint {
        case .url(let text):
            base = text
        case .service(let namespace, let name, let path, _):
            guard let host = serviceHosts["\(namespace)/\(name)"] else {
                throw CallFailure(
                    webhook: webhook.name,
                    reason: "failed to call webhook: service \"\(namespace)/\(name)\" has no address in kube-test-server; map it with --webhook-service-host \(namespace)/\(name)=127.0.0.1:PORT")
            }
            base = "https://\(host)\(path.hasPrefix("/") ? path : "/" + path)"
        case nil:
            throw CallFailure(webhook: webhook.name, reason: "failed to call webhook: clientConfig names neither url nor service")
        }
        // The API server tells the webhook its deadline in the query, as here.
        let separator = base.contains("?") ? "&" : "?"
        guard let url = URL(string: "\(base)\(separator)timeout=\(webhook.timeoutSeconds)s") else {
            throw CallFailure(webhook: webhook.name, reason: "failed to call webhook: invalid clientConfig.url \"\(base)\"")
        }
        return url
    }

    static func labels(of object: JSONValue) -> [String: String] {
        (object[path: ["metadata", "labels"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
