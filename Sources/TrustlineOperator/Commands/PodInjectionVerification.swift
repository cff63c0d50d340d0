import KubeClient
import KubeModels
import TrustlineCore

/// `trustline verify`'s pod check: finds the pod of the resource's ServiceAccount to look at
/// (`PodInjectionTarget`) and runs the checklist on it (`PodInjectionCheck`). Reading pods is the
/// only I/O here; it needs `list` on pods in the resource's namespace.
public struct PodInjectionVerification: Sendable {
    /// The pod checked (`namespace/name`, and its phase) and its checklist; `podName` nil when
    /// the ServiceAccount has no pod to check.
    public struct Outcome: Sendable {
        public var podName: String?
        public var phase: String?
        public var lines: [PodInjectionCheck.Line]
        public var passed: Bool { lines.allSatisfy(\.passed) }
    }

    let kubernetes: any KubernetesAPI

    public init(kubernetes: any KubernetesAPI) {
        self.kubernetes = kubernetes
    }

    public func check(namespace: String, serviceAccountName: String, expected: PodIdentityInjection) async throws(AccessVerification.Failure) -> Outcome {
        let pods: [Pod]
        do {
            // The API server filters pods by spec.serviceAccountName; the choice filters again.
            pods = try await kubernetes.listAll(
                Pod.self, namespace: namespace, options: ListOptions(fieldSelector: "spec.serviceAccountName=\(serviceAccountName)")
            ).items
        } catch let error as KubeAPIError where error.category == .forbidden {
            throw AccessVerification.Failure(
                step: "list pods",
                description: "not allowed to list pods in namespace \(namespace): the pod check needs RBAC verb list on pods there "
                    + "(kubectl create role pod-reader --verb=list --resource=pods -n \(namespace), bound to you): \(error)")
        } catch {
            throw AccessVerification.Failure(step: "list pods", description: "could not list pods in namespace \(namespace): \(error)")
        }
        guard let pod = PodInjectionTarget.choose(from: pods, namespace: namespace, serviceAccountName: serviceAccountName) else {
            return Outcome(podName: nil, phase: nil, lines: [])
        }
        var object: [String: JSONValue] = ["spec": pod.spec ?? .object([:])]
        if let annotations = pod.metadata.annotations {
            object["metadata"] = ["annotations": .object(annotations.mapValues(JSONValue.string))]
        }
        return Outcome(
            podName: "\(namespace)/\(pod.metadata.name ?? "")", phase: pod.status?.phase,
            lines: PodInjectionCheck.check(pod: .object(object), expected: expected))
    }
}
