import KubeClient
import KubeModels
import Synchronization
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// What the operator says about an object its watches skip because it does not decode: an error
/// log line with the key, a counter, and one Warning event per version on the object itself.
@Suite struct UndecodableObjectReporterTests {
    final class RecordingEvents: EventRecorder {
        let recorded = Mutex<[(OperatorEvent, ObjectReference)]>([])
        func record(_ event: OperatorEvent, regarding: ObjectReference) async {
            recorded.withLock { $0.append((event, regarding)) }
        }
    }

    static func bad(version: String, eventType: WatchEventType? = .modified) -> UndecodableObject {
        UndecodableObject(
            kind: "WorkloadAwsAccess",
            metadata: ObjectMeta(name: "deep", namespace: "team-b", uid: "uid-1", resourceVersion: version),
            eventType: eventType,
            problem: "spec.inlinePolicies[0].document... nests deeper than 512 levels")
    }

    @Test func logsCountsAndWarnsOncePerVersion() async throws {
        let events = RecordingEvents()
        let metrics = OperatorMetrics()
        let logs = CapturedLogs()
        let reporter = UndecodableObjectReporter(events: events, metrics: metrics, logger: logs.logger())

        await reporter.report(Self.bad(version: "7", eventType: nil), descriptor: WorkloadAwsAccess.descriptor)?.value
        let repeated = reporter.report(Self.bad(version: "7", eventType: nil), descriptor: WorkloadAwsAccess.descriptor)
        #expect(repeated == nil, "a relist seeing the same version again does not repeat the event")
        await reporter.report(Self.bad(version: "9"), descriptor: WorkloadAwsAccess.descriptor)?.value
        let deleted = reporter.report(Self.bad(version: "10", eventType: .deleted), descriptor: WorkloadAwsAccess.descriptor)
        #expect(deleted == nil, "no event about an object that is gone")

        let recorded = events.recorded.withLock { $0 }
        #expect(recorded.map(\.1.resourceVersion) == ["7", "9"])
        let (event, regarding) = try #require(recorded.first)
        #expect(event.type == .warning && event.reason == "InvalidSpec")
        #expect(event.note.contains("spec.inlinePolicies[0].document"), "\(event.note)")
        #expect(regarding == ObjectReference(
            apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "deep", namespace: "team-b", uid: "uid-1", resourceVersion: "7"))

        let text = try PrometheusText(metrics.exposition())
        #expect(text.values("trustline_undecodable_objects_total", ["kind": "WorkloadAwsAccess"]) == [4])

        let errors = logs.all.filter { $0.level == .error }
        #expect(errors.count == 4)
        #expect(errors.first?.metadata["resource"] == "team-b/deep")
        #expect(errors.first?.metadata["uid"] == "uid-1")
        #expect(errors.first?.metadata["resourceVersion"] == "7")
        #expect(errors.first?.metadata["problem"]?.contains("nests deeper than 512") == true)
    }
}
