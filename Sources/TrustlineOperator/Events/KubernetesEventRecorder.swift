import Foundation
import KubeClient
import KubeModels
import Logging

/// Writes `events.k8s.io/v1` Events through the Kubernetes API. An event identical to the last
/// one recorded for the same object (same type, reason and note) is dropped, so a reconcile that
/// keeps hitting the same blocker does not flood the namespace.
public actor KubernetesEventRecorder: EventRecorder {
    /// `reportingController` of every event.
    public static let reportingController = "trustline.dev/operator"
    /// The API's limit on `note`.
    static let maximumNoteBytes = 1024

    private let kubernetes: any KubernetesAPI
    private let clock: any WallClock
    private let reportingInstance: String
    private let logger: Logger
    /// The hash of the last event written per object (uid, else namespace/name). A hash, not the
    /// event: at 10,000 resources the notes alone held megabytes for a comparison; two different
    /// events of one object with equal 64-bit hashes (about 2^-64) would cost one advisory event.
    private var lastEvent: [String: Int] = [:]
    private var sequence: UInt64 = 0

    /// - Parameter reportingInstance: this operator instance, usually the pod name.
    public init(kubernetes: any KubernetesAPI, clock: any WallClock = SystemWallClock(), reportingInstance: String, logger: Logger) {
        self.kubernetes = kubernetes
        self.clock = clock
        self.reportingInstance = reportingInstance
        self.logger = logger
    }

    public func record(_ event: OperatorEvent, regarding: ObjectReference) async {
        let objectIdentity = regarding.uid ?? "\(regarding.namespace ?? "")/\(regarding.name ?? "")"
        let fingerprint = event.hashValue
        if lastEvent[objectIdentity] == fingerprint { return }
        lastEvent[objectIdentity] = fingerprint
        sequence += 1
        let now = clock.now
        let baseName = regarding.name ?? "trustline"
        let suffix = String(UInt64(now.timeIntervalSince1970 * 1_000_000), radix: 16) + String(sequence, radix: 16)
        let written = Event(
            metadata: ObjectMeta(name: "\(baseName).\(suffix)", namespace: regarding.namespace),
            eventTime: KubernetesTime.formatMicro(now),
            reportingController: Self.reportingController,
            reportingInstance: reportingInstance,
            action: event.action,
            reason: event.reason,
            regarding: regarding,
            note: Self.truncated(event.note),
            type: event.type)
        do {
            _ = try await kubernetes.createEvent(written)
        } catch {
            // Forget it, so the same event is tried again next time.
            lastEvent[objectIdentity] = nil
            var logger = logger
            logger[metadataKey: "resource"] = "\(regarding.namespace ?? "")/\(regarding.name ?? "")"
            logger.warning("could not write event \(event.reason): \(error)")
        }
    }

    /// `note` cut at a character boundary to fit the API's 1 kB limit.
    static func truncated(_ note: String) -> String {
        guard note.utf8.count > maximumNoteBytes else { return note }
        var result = ""
        var bytes = 0
        for character in note {
            let size = character.utf8.count
            if bytes + size > maximumNoteBytes - 3 { break }
            result.append(character)
            bytes += size
        }
        return result + "..."
    }
}
