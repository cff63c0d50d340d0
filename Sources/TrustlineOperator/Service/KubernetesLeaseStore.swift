import ControllerRuntime
import KubeClient
import KubeModels

/// The `LeaseStore` of leader election over the Kubernetes API: one named
/// `coordination.k8s.io/v1` Lease, with 409 answers (stale resourceVersion, or created by another
/// candidate first) reported as `LeaseStoreError.conflict` as the election expects.
public struct KubernetesLeaseStore: LeaseStore {
    public let kubernetes: any KubernetesAPI
    public let namespace: String
    public let name: String

    public init(kubernetes: any KubernetesAPI, namespace: String, name: String) {
        self.kubernetes = kubernetes
        self.namespace = namespace
        self.name = name
    }

    public func get() async throws -> LeaseRecord? {
        try await kubernetes.getIfPresent(Lease.self, namespace: namespace, name: name).map(LeaseRecord.init)
    }

    public func create(_ record: LeaseRecord) async throws -> LeaseRecord {
        var fresh = record
        fresh.resourceVersion = nil
        do {
            return LeaseRecord(try await kubernetes.create(fresh.lease(name: name, namespace: namespace)))
        } catch let error as KubeAPIError where error.isAlreadyExists || error.isConflict {
            throw LeaseStoreError.conflict
        }
    }

    public func update(_ record: LeaseRecord) async throws -> LeaseRecord {
        do {
            return LeaseRecord(try await kubernetes.update(record.lease(name: name, namespace: namespace)))
        } catch let error as KubeAPIError where error.isConflict || error.isNotFound {
            throw LeaseStoreError.conflict
        }
    }
}
