import Foundation
import KubeModels

/// The whole answer of `trustline webhook` to one AdmissionReview (docs/pod-identity-webhook.md):
/// pod CREATEs whose ServiceAccount a `WorkloadAwsAccess` claims (or that carries a role
/// annotation) get a JSON patch; everything else passes unchanged. The answer is always
/// `allowed: true`: the webhook adds credentials, it never blocks a pod.
///
/// A dry-run request gets the same answer as a real one: the webhook has no side effects (its
/// configuration says `sideEffects: None`, which is what lets the API server call it on dry runs),
/// and a dry run shows the mutated pod exactly as a real create would store it.
public enum PodIdentityAdmission {
    /// What the webhook reads besides the review: the `WorkloadAwsAccess` resources and
    /// ServiceAccounts it has cached (any namespaces; the decision picks the pod's).
    public struct ClusterObjects: Sendable {
        public var accesses: [WorkloadAwsAccess]
        public var serviceAccounts: [ServiceAccount]

        public init(accesses: [WorkloadAwsAccess], serviceAccounts: [ServiceAccount]) {
            self.accesses = accesses
            self.serviceAccounts = serviceAccounts
        }
    }

    /// The ServiceAccount a pod runs as when `spec.serviceAccountName` is unset.
    public static let defaultServiceAccountName = "default"

    /// The response review for `review`, its uid echoed.
    public static func respond(to review: AdmissionReview, cluster: ClusterObjects, configuration: PodIdentityConfiguration) -> AdmissionReview {
        guard let request = review.request else {
            return AdmissionReview(response: AdmissionResponse(uid: "", allowed: true))
        }
        let operations = patch(for: request, cluster: cluster, configuration: configuration)
        guard !operations.isEmpty else {
            return AdmissionReview(response: AdmissionResponse(uid: request.uid, allowed: true))
        }
        let text = CompactJSON.serialize(.array(operations))
        return AdmissionReview(
            response: AdmissionResponse(
                uid: request.uid, allowed: true, patchType: AdmissionResponse.jsonPatchType,
                patch: Data(text.utf8).base64EncodedString()))
    }

    /// The patch operations for one request: empty for anything but the CREATE of a pod (not a
    /// subresource) that the decision serves.
    public static func patch(for request: AdmissionRequest, cluster: ClusterObjects, configuration: PodIdentityConfiguration) -> [JSONValue] {
        guard request.operation == "CREATE", isPod(request), let pod = request.object, pod.jsonMembers != nil else { return [] }
        let namespace = nonEmpty(request.namespace) ?? nonEmpty(pod["metadata"]?["namespace"]?.stringValue) ?? ""
        let account = serviceAccountName(of: pod)
        let known = cluster.serviceAccounts.first { $0.metadata.namespace == namespace && $0.metadata.name == account }
        guard
            let injection = PodIdentityDecision.decide(
                namespace: namespace, serviceAccountName: account, accesses: cluster.accesses, serviceAccount: known,
                configuration: configuration)
        else { return [] }
        return PodIdentityPatch.operations(for: pod, injection: injection)
    }

    /// `spec.serviceAccountName`, else the deprecated `spec.serviceAccount`, else `default`.
    public static func serviceAccountName(of pod: JSONValue) -> String {
        nonEmpty(pod["spec"]?["serviceAccountName"]?.stringValue) ?? nonEmpty(pod["spec"]?["serviceAccount"]?.stringValue)
            ?? defaultServiceAccountName
    }

    private static func isPod(_ request: AdmissionRequest) -> Bool {
        request.kind.group.isEmpty && request.kind.kind == "Pod" && (request.subResource ?? "").isEmpty
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
