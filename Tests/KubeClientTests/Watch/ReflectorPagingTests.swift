import Foundation
import HTTPTransport
import KubeModels
import Testing

@testable import KubeClient

/// The reflector's start-up list comes in pages (`limit` + `continue`), so a cache of 10,000
/// objects is never one response; a `continue` whose snapshot expired (410) restarts the list.
@Suite("Reflector lists in pages", .timeLimit(.minutes(1)))
struct ReflectorPagingTests {
    static func client(_ http: FakeHTTPClient) -> KubernetesClient {
        KubernetesClient(configuration: KubeConfiguration(server: URL(string: "https://h")!), makeHTTPClient: { _ in http })
    }

    /// A page of `names` at `version`, with a continue token when more follow.
    static func page(_ version: String, _ names: [String], continue token: String? = nil, remaining: Int? = nil) -> String {
        let items = names.map { #"{"metadata":{"name":"\#($0)","namespace":"ns","resourceVersion":"\#(version)"},"spec":{"size":1}}"# }
        var metadata = #""resourceVersion":"\#(version)""#
        if let token { metadata += #","continue":"\#(token)""# }
        if let remaining { metadata += #","remainingItemCount":\#(remaining)"# }
        return #"{"metadata":{\#(metadata)},"items":[\#(items.joined(separator: ","))]}"#
    }

    static func query(_ request: HTTPRequest, _ name: String) -> String? {
        URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
    }

    static func isWatch(_ request: HTTPRequest) -> Bool { query(request, "watch") == "true" }

    @Test func followsContinueTokensAndWatchesFromTheFirstPagesVersion() async throws {
        let http = FakeHTTPClient { request, _ in
            if Self.isWatch(request) { return .response(.json(403, APIErrorTests.status(403, "Forbidden"))) }
            switch Self.query(request, "continue") {
            case nil: return .response(.json(200, Self.page("7", ["a", "b"], continue: "t1", remaining: 3)))
            case "t1": return .response(.json(200, Self.page("7", ["c", "d"], continue: "t2", remaining: 1)))
            default: return .response(.json(200, Self.page("7", ["e"])))
            }
        }
        let store = ObjectStore<Widget>()
        let reflector = Reflector<Widget>(api: Self.client(http), namespace: "ns", pageSize: 2, store: store,
            environment: RecordingRetryEnvironment().environment)
        var iterator = reflector.makeAsyncIterator()
        guard case .restarted(let objects)? = try await iterator.next() else {
            Issue.record("expected the list first")
            return
        }
        #expect(objects.map { $0.metadata.name ?? "" } == ["a", "b", "c", "d", "e"])
        #expect(store.count == 5)
        await #expect(throws: KubeAPIError.self) { _ = try await iterator.next() }
        let lists = http.requests.filter { !Self.isWatch($0) }
        #expect(lists.map { Self.query($0, "limit") } == ["2", "2", "2"])
        #expect(lists.map { Self.query($0, "continue") } == [nil, "t1", "t2"])
        #expect(lists.allSatisfy { Self.query($0, "resourceVersion") == nil }, "a continued page must not send resourceVersion")
        #expect(http.requests.filter(Self.isWatch).map { Self.query($0, "resourceVersion") } == ["7"])
    }

    @Test func anExpiredContinueRestartsTheListWholeAtOnceThenPagesAgain() async throws {
        let http = FakeHTTPClient { request, index in
            if Self.isWatch(request) {
                // The first watch expires at once; the second is refused to end the test.
                return index < 4
                    ? .stream(status: 200, headers: [:], lines: [errorLine(410, "Expired")], thenFail: nil)
                    : .response(.json(403, APIErrorTests.status(403, "Forbidden")))
            }
            switch (Self.query(request, "limit"), Self.query(request, "continue")) {
            case ("2", nil) where index == 0: return .response(.json(200, Self.page("7", ["a", "b"], continue: "old", remaining: 1)))
            case ("2", "old"): return .response(.json(410, APIErrorTests.status(410, "Expired")))
            case (nil, nil): return .response(.json(200, Self.page("9", ["a", "b", "c"])))
            case ("2", nil): return .response(.json(200, Self.page("12", ["a", "c"])))
            default: return .response(.json(400, APIErrorTests.status(400, "BadRequest")))
            }
        }
        let recorder = RecordingRetryEnvironment()
        let reflector = Reflector<Widget>(api: Self.client(http), namespace: "ns", pageSize: 2,
            environment: recorder.environment, failuresBeforeThrowing: 3)
        var log: [String] = []
        await #expect(throws: KubeAPIError.self) {
            for try await event in reflector {
                switch event {
                case .restarted(let objects): log.append("restarted " + objects.map { $0.metadata.name ?? "" }.joined(separator: ","))
                case .applied(let object): log.append("applied \(object.metadata.name ?? "")")
                case .deleted(let object): log.append("deleted \(object.metadata.name ?? "")")
                case .skipped(let bad): log.append("skipped \(bad.key?.name ?? "")")
                }
            }
        }
        // The partial first page is never reported: the whole list is.
        #expect(log == ["restarted a,b,c", "restarted a,c", "deleted b"])
        #expect(recorder.sleeps.isEmpty, "an expired continue is not a failure to back off from")
        let lists = http.requests.filter { !Self.isWatch($0) }
        #expect(lists.map { Self.query($0, "limit") } == ["2", "2", nil, "2"])
        #expect(lists.map { Self.query($0, "continue") } == [nil, "old", nil, nil])
        #expect(http.requests.filter(Self.isWatch).map { Self.query($0, "resourceVersion") } == ["9", "12"])
    }
}
