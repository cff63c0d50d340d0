import ControllerRuntime
import KubeClient
import KubeModels
import TrustlineCore

/// Writes the finalizer `trustline.dev/cleanup`, which holds a resource until its role and
/// ServiceAccount changes are cleaned up. The lists come from ControllerRuntime's `Finalizer`
/// (only our name is ever added or removed) and are written as a merge patch guarded by the
/// resourceVersion, so a concurrent change by another controller fails with 409 and is retried.
enum CleanupFinalizer {
    static let finalizer = Finalizer("trustline.dev/cleanup")
    static var name: String { finalizer.name }

    static func isPresent(on resource: WorkloadAwsAccess) -> Bool {
        finalizer.isPresent(on: resource.metadata)
    }

    /// Adds the finalizer after the existing ones; returns the updated resource.
    static func add(to resource: WorkloadAwsAccess, using kubernetes: any KubernetesAPI) async throws -> WorkloadAwsAccess {
        guard let patch = finalizer.adding(to: resource.metadata) else { return resource }
        return try await write(patch, on: resource, using: kubernetes)
    }

    /// Removes only our finalizer, keeping every other one in order.
    static func remove(from resource: WorkloadAwsAccess, using kubernetes: any KubernetesAPI) async throws {
        guard let patch = finalizer.removing(from: resource.metadata) else { return }
        _ = try await write(patch, on: resource, using: kubernetes)
    }

    private static func write(_ patch: FinalizerPatch, on resource: WorkloadAwsAccess, using kubernetes: any KubernetesAPI) async throws -> WorkloadAwsAccess {
        try await kubernetes.patch(
            WorkloadAwsAccess.self, namespace: resource.metadata.namespace, name: resource.name,
            patch: Patch(kind: .merge, body: patch.mergePatchBody), subresource: nil, options: WriteOptions())
    }
}
