import Foundation
import KubeModels

/// The part of a `coordination.k8s.io/v1` Lease leader election reads and writes, with the
/// resourceVersion that guards every update, as a plain value the state machine can compare.
public struct LeaseRecord: Sendable, Equatable {
    /// Who leads; nil or empty means nobody (a released lease).
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: Date?
    public var renewTime: Date?
    public var leaseTransitions: Int
    /// The version read from the server; an update sends it back for optimistic concurrency.
    public var resourceVersion: String?

    public init(
        holderIdentity: String?,
        leaseDurationSeconds: Int?,
        acquireTime: Date? = nil,
        renewTime: Date? = nil,
        leaseTransitions: Int = 0,
        resourceVersion: String? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.resourceVersion = resourceVersion
    }

    /// Whether someone holds it (a non-empty holder).
    public var isHeld: Bool { !(holderIdentity ?? "").isEmpty }

    /// Same content, ignoring resourceVersion: what "the record changed" means for expiry.
    public func sameContent(as other: LeaseRecord) -> Bool {
        var a = self
        var b = other
        a.resourceVersion = nil
        b.resourceVersion = nil
        return a == b
    }
}

extension LeaseRecord {
    /// Reads the record out of a Lease object.
    public init(_ lease: Lease) {
        let spec = lease.spec ?? LeaseSpec()
        self.init(
            holderIdentity: spec.holderIdentity,
            leaseDurationSeconds: spec.leaseDurationSeconds.map(Int.init),
            acquireTime: spec.acquireTime.flatMap(KubernetesTime.parse),
            renewTime: spec.renewTime.flatMap(KubernetesTime.parse),
            leaseTransitions: Int(spec.leaseTransitions ?? 0),
            resourceVersion: lease.metadata.resourceVersion
        )
    }

    /// A Lease object carrying this record (times as `MicroTime`), for create or update.
    public func lease(name: String, namespace: String) -> Lease {
        Lease(
            metadata: ObjectMeta(name: name, namespace: namespace, resourceVersion: resourceVersion),
            spec: LeaseSpec(
                holderIdentity: holderIdentity,
                leaseDurationSeconds: leaseDurationSeconds.map { Int32(clamping: $0) },
                acquireTime: acquireTime.map(KubernetesTime.formatMicro),
                renewTime: renewTime.map(KubernetesTime.formatMicro),
                leaseTransitions: Int32(clamping: leaseTransitions)
            )
        )
    }
}

/// Where the lease lives: get, create and compare-and-swap update of one named Lease. The
/// Kubernetes client implements it for real; tests use an in-memory one.
public protocol LeaseStore: Sendable {
    /// The current record, or nil when the Lease does not exist.
    func get() async throws -> LeaseRecord?
    /// Creates the Lease; throws `LeaseStoreError.conflict` if it already exists.
    func create(_ record: LeaseRecord) async throws -> LeaseRecord
    /// Replaces the Lease if its resourceVersion still equals `record.resourceVersion`;
    /// throws `LeaseStoreError.conflict` otherwise. Returns the stored record (new version).
    func update(_ record: LeaseRecord) async throws -> LeaseRecord
}

/// Failures a `LeaseStore` reports in a typed way.
public enum LeaseStoreError: Error, Equatable {
    /// Someone else wrote the Lease first (HTTP 409, or 409 AlreadyExists on create).
    case conflict
}
