import Foundation
import KubeModels
import Logging
import TrustlineCore

/// `POST /mutate` of `trustline webhook`: decodes the AdmissionReview v1, gathers what the pure
/// decision needs (the caches, and on a miss one API read), answers with
/// `PodIdentityAdmission.respond` (docs/pod-identity-webhook.md). A body that is not an
/// AdmissionReview v1 with a request gets 400 saying what is wrong; every review gets
/// `allowed: true`, the webhook never blocks a pod.
struct PodIdentityWebhook: Sendable {
    let caches: WebhookCaches
    let configuration: PodIdentityConfiguration
    let missRead: ServiceAccountMissRead
    let logger: Logger
    /// A ServiceAccount younger than this that no cached resource names and that carries no
    /// role is read again from the API server: it was most likely applied together with its
    /// resource, which the resource watch may not have delivered yet.
    var recentAccountAge: TimeInterval = 120
    var now: @Sendable () -> Date = { Date() }

    func respond(to request: EndpointRequest) async -> EndpointResponse {
        let review: AdmissionReview
        do {
            review = try JSONDecoder().decode(AdmissionReview.self, from: Data(request.body))
        } catch {
            return Self.badRequest("the body is not an AdmissionReview: \(Self.describe(error)); send admission.k8s.io/v1 AdmissionReview JSON")
        }
        guard review.apiVersion == AdmissionReview.apiVersion, review.kind == AdmissionReview.kind else {
            return Self.badRequest(
                "apiVersion \(review.apiVersion), kind \(review.kind) is not served; send \(AdmissionReview.apiVersion) \(AdmissionReview.kind) (admissionReviewVersions: [v1])")
        }
        guard let admission = review.request else {
            return Self.badRequest("the AdmissionReview has no request")
        }
        let cluster = await clusterObjects(for: admission)
        let answer = PodIdentityAdmission.respond(to: review, cluster: cluster, configuration: configuration)
        let patched = answer.response?.patch != nil
        logger.debug(
            "admission reviewed",
            metadata: ["uid": "\(admission.uid)", "namespace": "\(admission.namespace ?? "")", "operation": "\(admission.operation)", "patched": "\(patched)"])
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return EndpointResponse(status: 200, contentType: "application/json", bytes: Array(try encoder.encode(answer)))
        } catch {
            return EndpointResponse(status: 500, body: "could not encode the AdmissionReview answer: \(error)\n")
        }
    }

    /// The cached resources and ServiceAccount of the pod's namespace, plus what one API read
    /// finds when the caches may be behind (`needsRead`).
    func clusterObjects(for request: AdmissionRequest) async -> PodIdentityAdmission.ClusterObjects {
        guard request.operation == "CREATE", request.kind.group.isEmpty, request.kind.kind == "Pod", let pod = request.object else {
            return PodIdentityAdmission.ClusterObjects(accesses: [], serviceAccounts: [])
        }
        let namespace = request.namespace ?? pod["metadata"]?["namespace"]?.stringValue ?? ""
        guard caches.covers(namespace) else { return PodIdentityAdmission.ClusterObjects(accesses: [], serviceAccounts: []) }
        let name = PodIdentityAdmission.serviceAccountName(of: pod)
        var accesses = caches.accesses(in: namespace)
        var account = caches.serviceAccount(namespace: namespace, name: name)
        if needsRead(account: account, named: accesses.contains { Self.names($0, namespace: namespace, account: name) }) {
            do {
                let found = try await missRead.read(namespace: namespace, serviceAccount: name)
                account = found.serviceAccount ?? account
                let cached = Set(accesses.compactMap(\.objectKey))
                accesses += found.accesses.filter { $0.objectKey.map { !cached.contains($0) } ?? false }
                logger.debug("read the pod's ServiceAccount from the API server", metadata: ["namespace": "\(namespace)", "serviceAccount": "\(name)"])
            } catch {
                logger.warning(
                    "the caches do not know the pod's ServiceAccount and the API server did not answer in time; deciding from the caches",
                    metadata: ["namespace": "\(namespace)", "serviceAccount": "\(name)", "reason": "\(error)"])
            }
        }
        return PodIdentityAdmission.ClusterObjects(accesses: accesses, serviceAccounts: account.map { [$0] } ?? [])
    }

    /// Whether the caches may be behind for this pod: no cached resource names its
    /// ServiceAccount, and the ServiceAccount is not cached, or is new and carries no role.
    /// An old ServiceAccount no resource names is the common case of a pod without AWS access,
    /// and costs no read.
    func needsRead(account: ServiceAccount?, named: Bool) -> Bool {
        guard !named else { return false }
        guard let account else { return true }
        if account.metadata.annotations?[ServiceAccountAnnotations.roleArn] != nil { return false }
        guard let created = account.metadata.creationTimestamp.flatMap(Self.parseTimestamp) else { return true }
        return now().timeIntervalSince(created) < recentAccountAge
    }

    private static func names(_ resource: WorkloadAwsAccess, namespace: String, account: String) -> Bool {
        resource.metadata.namespace == namespace && RoleNaming.serviceAccountName(for: resource) == account
    }

    private static func parseTimestamp(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }

    private static func badRequest(_ message: String) -> EndpointResponse {
        EndpointResponse(status: 400, body: message + "\n")
    }

    /// A decoding error as one line naming the field.
    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing field \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
