import Foundation
import KubeModels
@testable import TrustlineCore

/// Inputs of the pod identity tests: the standard context, resources naming ServiceAccounts of
/// `production`, and the admission reviews the API server would send.
enum PodIdentityFixtures {
    static let region = "eu-west-1"
    static let myAppArn = "arn:aws:iam::123456789012:role/trustline/prod.production.my-app"
    static let handArn = "arn:aws:iam::111122223333:role/legacy"

    static func configuration(region: String? = PodIdentityFixtures.region) -> PodIdentityConfiguration {
        PodIdentityConfiguration(settings: Fixtures.settings, context: Fixtures.context, region: region)
    }

    /// A valid resource `name` in `namespace` claiming ServiceAccount `account`, created at `created`.
    static func access(
        _ name: String, namespace: String = "production", account: String, created: String = "2026-01-01T00:00:00Z",
        regional: Bool? = true, tokenSeconds: Int? = nil
    ) -> WorkloadAwsAccess {
        var resource = Fixtures.myApp()
        resource.metadata = ObjectMeta(name: name, namespace: namespace, uid: "uid-\(namespace)-\(name)")
        resource.metadata.creationTimestamp = created
        resource.spec.serviceAccount = ServiceAccountSpec(name: account, create: true)
        resource.spec.stsRegionalEndpoints = regional
        resource.spec.tokenExpirationSeconds = tokenSeconds
        return resource
    }

    static func serviceAccount(_ name: String, namespace: String = "production", annotations: [String: String]) -> ServiceAccount {
        ServiceAccount(metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations))
    }

    /// The hand-annotated ServiceAccount `legacy` no resource claims.
    static let legacyAccount = serviceAccount(
        "legacy",
        annotations: [
            ServiceAccountAnnotations.roleArn: handArn, ServiceAccountAnnotations.tokenExpiration: "3600",
            ServiceAccountAnnotations.stsRegionalEndpoints: "true",
        ])

    /// An AdmissionReview for `pod` as the API server sends it.
    static func review(
        _ pod: JSONValue, uid: String = "705ab4f5-6393-11e8-b7cc-42010a800002", operation: String = "CREATE", kind: String = "Pod",
        subResource: String? = nil, dryRun: Bool? = nil
    ) -> AdmissionReview {
        AdmissionReview(
            request: AdmissionRequest(
                uid: uid, kind: GroupVersionKind(group: "", version: "v1", kind: kind),
                resource: GroupVersionResource(group: "", version: "v1", resource: kind == "Pod" ? "pods" : kind.lowercased() + "s"),
                subResource: subResource, name: pod["metadata"]?["name"]?.stringValue, namespace: "production", operation: operation,
                object: pod, dryRun: dryRun))
    }

    /// The patch operations decoded from a response's base64 `patch`.
    static func operations(of review: AdmissionReview) throws -> [JSONValue] {
        guard let text = review.response?.patch else { return [] }
        guard let data = Data(base64Encoded: text) else { throw JSONPatchApplier.Failure(description: "patch is not base64") }
        guard case .array(let operations) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw JSONPatchApplier.Failure(description: "patch is not a JSON array")
        }
        return operations
    }
}
