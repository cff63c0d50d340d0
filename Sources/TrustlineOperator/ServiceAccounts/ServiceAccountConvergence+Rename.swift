import Logging
import TrustlineCore

extension ServiceAccountConvergence {
    /// After `spec.serviceAccount.name` changed, the ServiceAccount status still names is
    /// released (`ServiceAccountRelease`): the old one must not keep pointing at the role. Our
    /// annotations there were rendered with the role ARN of that time (status) or, when the role
    /// did not change, the current one; both are candidates.
    static func releasePrevious(
        of resource: WorkloadAwsAccess, replacedBy rendered: RenderedAccess, using release: ServiceAccountRelease, logger: Logger
    ) async throws(ReconcileBlock) {
        guard let previous = resource.status?.serviceAccountName, !previous.isEmpty, previous != rendered.serviceAccountName else { return }
        var candidates = [rendered.serviceAccountAnnotations]
        if let previousArn = resource.status?.roleArn, !previousArn.isEmpty {
            candidates.append(ServiceAccountAnnotations.render(spec: resource.spec, roleArn: previousArn))
        }
        do {
            _ = try await release.release(
                namespace: resource.namespace, name: previous, of: resource, ourAnnotations: candidates, logger: logger)
        } catch {
            throw kubernetesBlock(error, doing: "release the previous ServiceAccount \(resource.namespace)/\(previous)")
        }
    }
}
