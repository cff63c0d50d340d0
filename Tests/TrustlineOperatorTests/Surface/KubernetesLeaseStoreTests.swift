import ControllerRuntime
import Foundation
import KubeClient
import KubeModels
import Testing
@testable import TrustlineOperator

/// Leader election's store over the Kubernetes API: 409s become `LeaseStoreError.conflict`,
/// which the election reads as "someone else wrote first".
struct KubernetesLeaseStoreTests {
    static func store(_ kubernetes: InMemoryKubernetes) -> KubernetesLeaseStore {
        KubernetesLeaseStore(kubernetes: kubernetes, namespace: "trustline-system", name: "trustline-leader")
    }

    static let acquired = LeaseRecord(
        holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: Date(timeIntervalSince1970: 1_800_000_000),
        renewTime: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func createsReadsAndRenewsTheLease() async throws {
        let kubernetes = InMemoryKubernetes()
        let store = Self.store(kubernetes)
        #expect(try await store.get() == nil)

        let created = try await store.create(Self.acquired)
        #expect(created.holderIdentity == "pod-a")
        #expect(created.resourceVersion != nil)
        let read = try #require(try await store.get())
        #expect(read.sameContent(as: Self.acquired))
        #expect(read.resourceVersion == created.resourceVersion)

        var renewed = read
        renewed.renewTime = Date(timeIntervalSince1970: 1_800_000_010)
        let updated = try await store.update(renewed)
        #expect(updated.renewTime == renewed.renewTime)
        #expect(updated.resourceVersion != read.resourceVersion)
        #expect(kubernetes.stored(Lease.self, namespace: "trustline-system", name: "trustline-leader")?.spec?.holderIdentity == "pod-a")
    }

    @Test func aSecondCreateIsAConflict() async throws {
        let kubernetes = InMemoryKubernetes()
        let store = Self.store(kubernetes)
        _ = try await store.create(Self.acquired)
        var other = Self.acquired
        other.holderIdentity = "pod-b"
        // A stale resourceVersion in the record must not matter: create never sends one.
        other.resourceVersion = "999"
        await #expect(throws: LeaseStoreError.conflict) {
            _ = try await store.create(other)
        }
        #expect(try await store.get()?.holderIdentity == "pod-a")
    }

    @Test func anUpdateFromAStaleReadIsAConflict() async throws {
        let kubernetes = InMemoryKubernetes()
        let store = Self.store(kubernetes)
        let first = try await store.create(Self.acquired)
        var renewed = first
        renewed.renewTime = Date(timeIntervalSince1970: 1_800_000_005)
        _ = try await store.update(renewed)

        var takeover = first
        takeover.holderIdentity = "pod-b"
        await #expect(throws: LeaseStoreError.conflict) {
            _ = try await store.update(takeover)
        }
        #expect(try await store.get()?.holderIdentity == "pod-a")
    }

    @Test func anUpdateOfADeletedLeaseIsAConflict() async throws {
        let kubernetes = InMemoryKubernetes()
        let store = Self.store(kubernetes)
        let first = try await store.create(Self.acquired)
        _ = try await kubernetes.delete(Lease.self, namespace: "trustline-system", name: "trustline-leader")
        await #expect(throws: LeaseStoreError.conflict) {
            _ = try await store.update(first)
        }
    }

    @Test func otherAPIErrorsPassThrough() async throws {
        let kubernetes = InMemoryKubernetes()
        kubernetes.fail("get", kind: "Lease", with: KubeAPIError(code: 403, status: Status(message: "leases is forbidden", reason: "Forbidden", code: 403)))
        await #expect {
            _ = try await Self.store(kubernetes).get()
        } throws: { error in
            (error as? KubeAPIError)?.code == 403
        }
    }
}
