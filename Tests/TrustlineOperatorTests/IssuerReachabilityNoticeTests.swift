import KubeModels
import Synchronization
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// An issuer real STS cannot reach is named once per resource per run in a Warning event
/// `IssuerUnreachable`, and in the Ready message; a public issuer adds neither.
@Suite struct IssuerReachabilityNoticeTests {
    typealias RecordingEvents = UndecodableObjectReporterTests.RecordingEvents

    static func resource(_ name: String, uid: String) -> WorkloadAwsAccess {
        WorkloadAwsAccess(
            metadata: ObjectMeta(name: name, namespace: "team", uid: uid),
            spec: WorkloadAwsAccessSpec(serviceAccount: ServiceAccountSpec(name: name)))
    }

    @Test(arguments: ["https://127.0.0.1:6443", "https://kubernetes.default.svc", "https://10.0.0.5/issuer", "http://oidc.example.com"])
    func unreachableIssuerWarnsOncePerResource(_ issuer: String) async {
        let notice = IssuerReachabilityNotice(issuer: issuer)
        let events = RecordingEvents()
        let first = Self.resource("a", uid: "uid-a")
        await notice.warnOnce(about: first, events: events)
        await notice.warnOnce(about: first, events: events)
        await notice.warnOnce(about: Self.resource("b", uid: "uid-b"), events: events)
        let recorded = events.recorded.withLock { $0 }
        #expect(recorded.map(\.0.reason) == ["IssuerUnreachable", "IssuerUnreachable"])
        #expect(recorded.map(\.1.name) == ["a", "b"])
        #expect(recorded.allSatisfy { $0.0.type == .warning && $0.0.note.contains(issuer) })
        #expect(notice.readyMessageSuffix.contains("cannot be used by AWS STS"))
        #expect(notice.readyMessageSuffix.contains(issuer))
    }

    @Test func publicIssuerSaysNothing() async {
        let notice = IssuerReachabilityNotice(issuer: "https://trustline-oidc.s3.eu-west-1.amazonaws.com/prod")
        let events = RecordingEvents()
        await notice.warnOnce(about: Self.resource("a", uid: "uid-a"), events: events)
        #expect(events.recorded.withLock { $0 }.isEmpty)
        #expect(notice.readyMessageSuffix.isEmpty)
    }
}
