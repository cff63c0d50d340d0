import Foundation
import KubeModels

/// One controller's finalizer (say `trustline.dev/cleanup`) and the pure decisions around it:
/// whether to add it, whether the object is being deleted, and the exact `metadata.finalizers`
/// list to write. It only ever adds or removes its own name; other controllers' finalizers are
/// kept as they are, in order.
public struct Finalizer: Sendable, Hashable, CustomStringConvertible {
    /// What the reconciler should do with an object, as far as the finalizer is concerned.
    public enum Decision: Sendable, Equatable {
        /// Live object without our finalizer: write this patch first, then reconcile.
        case addFinalizer(FinalizerPatch)
        /// Live object carrying our finalizer: reconcile normally.
        case apply
        /// Being deleted and still carrying our finalizer: clean up, then write `removing(from:)`
        /// computed from the object as cleanup left it (its status writes move the resourceVersion).
        case cleanUp
        /// Being deleted without our finalizer: nothing of ours to do.
        case ignore
    }

    public let name: String

    /// `name` should be a qualified name such as `trustline.dev/cleanup`.
    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    /// Whether deletion has been requested (`metadata.deletionTimestamp` is set).
    public static func isBeingDeleted(_ metadata: ObjectMeta) -> Bool {
        metadata.deletionTimestamp != nil
    }

    /// Whether our finalizer is on the object.
    public func isPresent(on metadata: ObjectMeta) -> Bool {
        metadata.finalizers?.contains(name) ?? false
    }

    /// Whether our finalizer must be added before doing anything with external resources.
    /// Never true while deleting: the API server refuses new finalizers then.
    public func needsAdding(to metadata: ObjectMeta) -> Bool {
        !Self.isBeingDeleted(metadata) && !isPresent(on: metadata)
    }

    public func decision(for metadata: ObjectMeta) -> Decision {
        switch (Self.isBeingDeleted(metadata), isPresent(on: metadata)) {
        case (false, false): adding(to: metadata).map(Decision.addFinalizer) ?? .apply
        case (false, true): .apply
        case (true, true): .cleanUp
        case (true, false): .ignore
        }
    }

    /// The patch that adds our finalizer after the existing ones; nil if present or deleting.
    public func adding(to metadata: ObjectMeta) -> FinalizerPatch? {
        guard needsAdding(to: metadata) else { return nil }
        return FinalizerPatch(finalizers: (metadata.finalizers ?? []) + [name], resourceVersion: metadata.resourceVersion)
    }

    /// The patch that removes our finalizer (every copy of it) and keeps all others in order;
    /// nil if it is not there.
    public func removing(from metadata: ObjectMeta) -> FinalizerPatch? {
        guard isPresent(on: metadata) else { return nil }
        let remaining = (metadata.finalizers ?? []).filter { $0 != name }
        return FinalizerPatch(finalizers: remaining, resourceVersion: metadata.resourceVersion)
    }
}

/// The complete `metadata.finalizers` list to write, guarded by the resourceVersion it was
/// computed from. A merge patch replaces a list wholesale, so without the resourceVersion a
/// concurrent change by another controller could be lost; with it the API server answers
/// 409 Conflict and the reconcile retries with fresh state.
public struct FinalizerPatch: Sendable, Hashable {
    public var finalizers: [String]
    public var resourceVersion: String?

    public init(finalizers: [String], resourceVersion: String?) {
        self.finalizers = finalizers
        self.resourceVersion = resourceVersion
    }

    /// `{"metadata":{"finalizers":[...],"resourceVersion":"..."}}` for
    /// `Content-Type: application/merge-patch+json`.
    public var mergePatchBody: Data {
        let body = Body(metadata: .init(finalizers: finalizers, resourceVersion: resourceVersion))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding two strings and a string array cannot fail.
        return (try? encoder.encode(body)) ?? Data()
    }

    private struct Body: Encodable {
        struct Metadata: Encodable {
            var finalizers: [String]
            var resourceVersion: String?
        }
        var metadata: Metadata
    }
}
