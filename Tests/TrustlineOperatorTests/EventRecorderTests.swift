import KubeClient
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The Kubernetes-backed event recorder: events.k8s.io/v1 fields, deduplication of identical
/// consecutive events per object, notes cut to the API's limit, failures retried next time.
@Suite struct EventRecorderTests {
    static func makeRecorder(_ kubernetes: InMemoryKubernetes) -> KubernetesEventRecorder {
        KubernetesEventRecorder(
            kubernetes: kubernetes, clock: TestWallClock(), reportingInstance: "trustline-0", logger: CapturedLogs().logger())
    }

    static func reference(_ name: String, uid: String) -> ObjectReference {
        ObjectReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: name, namespace: "production", uid: uid)
    }

    @Test func writesAnEventsV1EventWithEveryRequiredField() async throws {
        let kubernetes = InMemoryKubernetes()
        let recorder = Self.makeRecorder(kubernetes)

        await recorder.record(.warning("GuardrailViolation", "spec.managedPolicyArns[0]: denied"), regarding: Self.reference("a", uid: "u1"))

        let event = try #require(kubernetes.events(regarding: "a", namespace: "production").first)
        #expect(event.type == .warning)
        #expect(event.reason == "GuardrailViolation")
        #expect(event.note == "spec.managedPolicyArns[0]: denied")
        #expect(event.action == "Reconcile")
        #expect(event.reportingController == "trustline.dev/operator")
        #expect(event.reportingInstance == "trustline-0")
        #expect(event.regarding.uid == "u1")
        #expect(event.eventTime.hasSuffix("Z"))
        #expect(event.eventTime.contains("."), "MicroTime has a fraction")
        #expect(event.metadata.name?.hasPrefix("a.") == true)
        #expect(kubernetes.writeCalls.map { "\($0.verb) \($0.kind)" } == ["create Event"])
    }

    @Test func identicalConsecutiveEventsPerObjectAreDropped() async throws {
        let kubernetes = InMemoryKubernetes()
        let recorder = Self.makeRecorder(kubernetes)
        let throttled = OperatorEvent.warning("AWSThrottled", "IAM GetRole throttled")

        await recorder.record(throttled, regarding: Self.reference("a", uid: "u1"))
        await recorder.record(throttled, regarding: Self.reference("a", uid: "u1"))
        await recorder.record(throttled, regarding: Self.reference("b", uid: "u2"))
        await recorder.record(.normal("Converged", "ok"), regarding: Self.reference("a", uid: "u1"))
        await recorder.record(throttled, regarding: Self.reference("a", uid: "u1"))

        #expect(kubernetes.events(regarding: "a", namespace: "production").map(\.reason) == ["AWSThrottled", "Converged", "AWSThrottled"])
        #expect(kubernetes.events(regarding: "b", namespace: "production").count == 1)
    }

    @Test func longNotesAreCutToOneKilobyte() async throws {
        let kubernetes = InMemoryKubernetes()
        let recorder = Self.makeRecorder(kubernetes)

        await recorder.record(.warning("InvalidSpec", String(repeating: "é", count: 2000)), regarding: Self.reference("a", uid: "u1"))

        let note = try #require(kubernetes.events(regarding: "a", namespace: "production").first?.note)
        #expect(note.utf8.count <= 1024)
        #expect(note.hasSuffix("..."))
    }

    @Test func aFailedWriteIsTriedAgainNextTime() async throws {
        let kubernetes = InMemoryKubernetes()
        let recorder = Self.makeRecorder(kubernetes)
        kubernetes.fail("create", kind: "Event", with: KubeAPIError(code: 500, status: Status(message: "etcd down", code: 500)))
        let event = OperatorEvent.warning("AWSError", "boom")

        await recorder.record(event, regarding: Self.reference("a", uid: "u1"))
        #expect(kubernetes.events(regarding: "a", namespace: "production").isEmpty)
        await recorder.record(event, regarding: Self.reference("a", uid: "u1"))

        #expect(kubernetes.events(regarding: "a", namespace: "production").count == 1)
    }
}
