import KubeClient
import KubeModels
import TrustlineCore

/// The one API read of a pod CREATE the caches cannot answer (docs/pod-identity-webhook.md, "The
/// server"): GET the pod's ServiceAccount and LIST the `WorkloadAwsAccess` resources of its
/// namespace, both at once, within `timeout`. The API server gives the webhook 5 s
/// (`timeoutSeconds: 5`) and then admits the pod unchanged (`failurePolicy: Ignore`), so the
/// read must end well before that: a read that fails or runs late is given up, and the caches'
/// answer stands.
struct ServiceAccountMissRead: Sendable {
    /// What the read found.
    struct Found: Sendable {
        var serviceAccount: ServiceAccount?
        var accesses: [WorkloadAwsAccess]
    }

    /// Why the read gave nothing.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let kubernetes: any KubernetesAPI
    var timeout: Duration = .seconds(2)

    func read(namespace: String, serviceAccount name: String) async throws(Failure) -> Found {
        let (kubernetes, timeout) = (kubernetes, timeout)
        do {
            return try await withThrowingTaskGroup(of: Found?.self) { group in
                group.addTask {
                    async let account = kubernetes.getIfPresent(ServiceAccount.self, namespace: namespace, name: name)
                    async let resources = kubernetes.listAllSkippingUndecodable(WorkloadAwsAccess.self, namespace: namespace)
                    return try await Found(serviceAccount: account, accesses: resources.list.items)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let found = first else {
                    throw Failure(description: "no answer from the API server within \(timeout)")
                }
                return found
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}
