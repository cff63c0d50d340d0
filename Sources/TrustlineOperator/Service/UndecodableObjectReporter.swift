import KubeClient
import KubeModels
import Logging
import Synchronization
import TrustlineCore

/// Says what the watches skip: an object that does not decode into its typed resource is left out
/// of the cache (so it never stalls the others), and this makes that visible where each audience
/// looks: an error log line with its key, uid, resourceVersion and the decoding problem (operators),
/// `trustline_undecodable_objects_total` (alerts), and a Warning event `InvalidSpec` on the object
/// itself (its owner, in `kubectl describe`), once per resourceVersion so relists do not repeat it.
final class UndecodableObjectReporter: Sendable {
    private let events: (any EventRecorder)?
    private let metrics: OperatorMetrics?
    private let logger: Logger
    /// `uid@resourceVersion` of the objects already told about by an event.
    private let told = Mutex<Set<String>>([])

    init(events: (any EventRecorder)?, metrics: OperatorMetrics?, logger: Logger) {
        self.events = events
        self.metrics = metrics
        self.logger = logger
    }

    /// Logs, counts and, unless the object is being deleted away, tells its owner. Returns the
    /// task writing the event, if one is written (callers need not wait for it).
    @discardableResult
    func report(_ bad: UndecodableObject, descriptor: ResourceDescriptor) -> Task<Void, Never>? {
        let metadata = bad.metadata
        logger.error(
            "skipping a \(bad.kind) that does not decode; the operator ignores it until it is fixed",
            metadata: [
                "resource": "\(bad.key?.description ?? "?")", "uid": "\(metadata?.uid ?? "?")",
                "resourceVersion": "\(metadata?.resourceVersion ?? "?")", "problem": "\(bad.problem)",
            ])
        metrics?.recordUndecodableObject(kind: bad.kind)
        guard let events, bad.eventType != .deleted, let metadata, let name = metadata.name else { return nil }
        let mark = "\(metadata.uid ?? name)@\(metadata.resourceVersion ?? "")"
        guard told.withLock({ $0.insert(mark).inserted }) else { return nil }
        let note = "The operator cannot read this \(bad.kind) and ignores it: \(bad.problem). "
            + "Fix the field (a policy document nests at most \(PolicyDocumentBounds.maxDepth) levels) and apply it again."
        let regarding = ObjectReference(
            apiVersion: descriptor.apiVersion, kind: descriptor.kind, name: name, namespace: metadata.namespace,
            uid: metadata.uid, resourceVersion: metadata.resourceVersion)
        return Task { await events.record(.warning("InvalidSpec", note, action: "Decode"), regarding: regarding) }
    }
}
