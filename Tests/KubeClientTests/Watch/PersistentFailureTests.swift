import Foundation
import HTTPTransport
import KubeModels
import Testing

@testable import KubeClient

/// A list or watch that keeps failing is thrown after a few quiet retries, so the caller can say
/// so (the operator logs it and fails `/readyz`) instead of retrying silently forever.
@Suite("Persistent list and watch failures surface", .timeLimit(.minutes(1)))
struct PersistentFailureTests {
    static func client(_ http: FakeHTTPClient) -> KubernetesClient {
        KubernetesClient(configuration: KubeConfiguration(server: URL(string: "https://h")!), makeHTTPClient: { _ in http })
    }

    @Test func listFailingThreeTimesIsThrownAfterTwoQuietRetries() async throws {
        let http = FakeHTTPClient { _, _ in .response(.json(500, APIErrorTests.status(500, "InternalError"))) }
        let recorder = RecordingRetryEnvironment()
        let reflector = Reflector<Widget>(
            api: Self.client(http), namespace: "ns", environment: recorder.environment, failuresBeforeThrowing: 3)
        var iterator = reflector.makeAsyncIterator()
        await #expect(throws: KubeAPIError.self) { _ = try await iterator.next() }
        #expect(http.requests.count == 3)
        #expect(recorder.sleeps == [.milliseconds(800), .milliseconds(1600)])
    }

    @Test func watchFailingThreeTimesIsThrownAfterTwoQuietRetries() async throws {
        let http = FakeHTTPClient { request, index in
            let isWatch = request.url.query?.contains("watch=true") ?? false
            if !isWatch { return .response(.json(200, ReflectorFakeTests.list("10", ["a"]))) }
            return .response(.json(503, APIErrorTests.status(503, "ServiceUnavailable")))
        }
        let recorder = RecordingRetryEnvironment()
        let reflector = Reflector<Widget>(
            api: Self.client(http), namespace: "ns", environment: recorder.environment, failuresBeforeThrowing: 3)
        var iterator = reflector.makeAsyncIterator()
        guard case .restarted? = try await iterator.next() else {
            Issue.record("expected the list first")
            return
        }
        await #expect(throws: KubeAPIError.self) { _ = try await iterator.next() }
        #expect(http.requests.filter { $0.url.query?.contains("watch=true") ?? false }.count == 3)
        #expect(recorder.sleeps == [.milliseconds(800), .milliseconds(1600)])
    }

    @Test func withoutALimitItRetriesQuietly() async throws {
        let http = FakeHTTPClient { _, index in
            index < 5 ? .response(.json(500, APIErrorTests.status(500, "InternalError"))) : .response(.json(200, ReflectorFakeTests.list("3", ["a"])))
        }
        let reflector = Reflector<Widget>(api: Self.client(http), namespace: "ns", environment: RecordingRetryEnvironment().environment)
        var iterator = reflector.makeAsyncIterator()
        guard case .restarted(let objects)? = try await iterator.next() else {
            Issue.record("expected a list after the failures")
            return
        }
        #expect(objects.map { $0.metadata.name } == ["a"])
    }
}
