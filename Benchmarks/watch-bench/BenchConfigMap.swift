import Foundation
import KubeModels

/// `v1.ConfigMap`, the watched kind: a built-in kind both clients decode into typed objects
/// (the Python client into `V1ConfigMap`), so the comparison is decoding against decoding.
struct BenchConfigMap: KubernetesResource {
    static let descriptor = ResourceDescriptor(
        group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true)

    /// Annotation holding the writer's wall-clock send time (seconds since 1970, microseconds).
    static let sentAtAnnotation = "watch-bench.trustline.dev/sent-at"

    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var data: [String: String]?

    /// A ConfigMap of typical size (~700 bytes on the wire): labels, annotations, a few keys.
    static func sample(name: String, namespace: String, sentAt: Date? = nil) -> BenchConfigMap {
        var annotations = ["trustline.dev/role-arn": "arn:aws:iam::123456789012:role/trustline/\(namespace)/\(name)"]
        if let sentAt { annotations[sentAtAnnotation] = String(format: "%.6f", sentAt.timeIntervalSince1970) }
        return BenchConfigMap(
            apiVersion: "v1", kind: "ConfigMap",
            metadata: ObjectMeta(
                name: name, namespace: namespace,
                labels: ["app.kubernetes.io/name": "watch-bench", "app.kubernetes.io/part-of": "trustline"],
                annotations: annotations),
            data: [
                "region": "eu-west-1",
                "session-duration": "3600",
                "policy.json": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::bench/*"}]}"#,
            ])
    }

    /// Seconds from the annotated send time to `receivedAt`, if the object carries one.
    func latency(receivedAt: Date) -> Double? {
        guard let text = metadata.annotations?[Self.sentAtAnnotation], let sent = Double(text) else { return nil }
        return receivedAt.timeIntervalSince1970 - sent
    }
}
