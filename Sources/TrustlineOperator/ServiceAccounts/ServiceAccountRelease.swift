import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// Lets go of a ServiceAccount a resource no longer names (after `spec.serviceAccount.name`
/// changed, or on deletion): one it created (it carries the resource's ownerReference) is
/// deleted; on one it only annotated, exactly the annotations it set are removed, each only while
/// it still holds the value the operator wrote (a value someone changed is theirs now), and only
/// while its role ARN annotation is still this resource's.
struct ServiceAccountRelease: Sendable {
    let kubernetes: any KubernetesAPI

    /// Whether the ServiceAccount was deleted, lost our annotations, or needed nothing.
    enum Outcome: Sendable, Equatable {
        case deleted
        case unannotated
        case untouched
    }

    /// - Parameter ourAnnotations: the annotation values the operator may have written on it;
    ///   several candidates (for example with the previous and the current role ARN) may be given.
    func release(
        namespace: String, name: String, of resource: WorkloadAwsAccess, ourAnnotations: [[String: String]], logger: Logger
    ) async throws -> Outcome {
        guard let serviceAccount = try await kubernetes.getIfPresent(ServiceAccount.self, namespace: namespace, name: name) else {
            return .untouched
        }
        do {
            if ServiceAccountRendering.isOwned(serviceAccount, by: resource) {
                let options = DeleteOptions(preconditions: .init(uid: serviceAccount.metadata.uid))
                _ = try await kubernetes.delete(ServiceAccount.self, namespace: namespace, name: name, options: options)
                logger.info("deleted the ServiceAccount it created", metadata: ["serviceAccount": "\(name)"])
                return .deleted
            }
            let current = serviceAccount.metadata.annotations ?? [:]
            var patch: [String: JSONValue] = [:]
            // Only where the role ARN is ours: another resource's ServiceAccount may share a value
            // such as sts-regional-endpoints, and that one is not ours to remove.
            for candidate in ourAnnotations where current[ServiceAccountAnnotations.roleArn] == candidate[ServiceAccountAnnotations.roleArn] {
                for (key, value) in candidate where current[key] == value {
                    patch[key] = .null
                }
            }
            guard !patch.isEmpty else { return .untouched }
            let body: JSONValue = ["metadata": ["annotations": .object(patch)]]
            _ = try await kubernetes.mergePatch(ServiceAccount.self, namespace: namespace, name: name, patch: body)
            logger.info("removed our annotations from ServiceAccount", metadata: [
                "serviceAccount": "\(name)", "annotations": "\(patch.keys.sorted().joined(separator: ","))",
            ])
            return .unannotated
        } catch let error as KubeAPIError where error.isNotFound {
            return .untouched
        }
    }
}
