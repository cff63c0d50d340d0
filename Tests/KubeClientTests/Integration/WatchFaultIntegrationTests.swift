import Foundation
import HTTPTransport
import KubeClient
import KubeModels
import KubeTestServer
import Synchronization
import Testing

/// Wraps the real transport and records the URL of every streaming (watch) request.
final class RecordingHTTPClient: HTTPClient {
    let inner: any HTTPClient
    let streamed = Mutex<[URL]>([])

    init(_ inner: any HTTPClient) { self.inner = inner }

    var watchURLs: [URL] { streamed.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        try await inner.send(request)
    }

    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        streamed.withLock { $0.append(request.url) }
        return try await inner.stream(request)
    }
}

func queryValue(_ url: URL, _ name: String) -> String? {
    URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
}

/// Polls until `condition` holds (at most ~10 s).
func eventually(_ what: String, _ condition: () -> Bool) async throws {
    for _ in 0..<1000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

extension TestCluster {
    /// A client whose watch requests are recorded.
    func recordingClient() -> (KubernetesClient, RecordingHTTPClient) {
        let recorder = RecordingHTTPClient(CurlHTTPClient(tls: client.configuration.tls))
        return (KubernetesClient(configuration: client.configuration, makeHTTPClient: { _ in recorder }), recorder)
    }
}

/// Runs a reflector in a task and hands its events over a stream, so the test can act on the
/// server while the reflector's watch is open.
struct ReflectorRun: Sendable {
    let events: AsyncStream<ReflectorEvent<Widget>>
    let task: Task<Void, Never>

    init(_ reflector: Reflector<Widget>) {
        let (stream, continuation) = AsyncStream.makeStream(of: ReflectorEvent<Widget>.self)
        events = stream
        task = Task {
            do {
                for try await event in reflector { continuation.yield(event) }
            } catch {}
            continuation.finish()
        }
    }

    /// The next `count` events, described as `restarted a,b` / `applied a` / `deleted a`.
    func next(_ count: Int, iterator: inout AsyncStream<ReflectorEvent<Widget>>.Iterator) async -> [String] {
        var result: [String] = []
        while result.count < count, let event = await iterator.next() {
            switch event {
            case .restarted(let objects):
                result.append("restarted " + objects.compactMap(\.metadata.name).sorted().joined(separator: ","))
            case .applied(let object): result.append("applied \(object.metadata.name ?? "")")
            case .deleted(let object): result.append("deleted \(object.metadata.name ?? "")")
            case .skipped(let bad): result.append("skipped \(bad.key?.name ?? "")")
            }
        }
        return result
    }
}

@Suite("Watch and reflector under injected faults", .timeLimit(.minutes(2)))
struct WatchFaultIntegrationTests {
    @Test func droppedWatchResumesWithoutLosingOrRepeatingEvents() async throws {
        try await TestCluster.with(namespaces: ["drop"]) { cluster in
            try await cluster.installWidgetCRD()
            let (client, recorder) = cluster.recordingClient()
            let start = try await client.list(Widget.self, namespace: "drop")
            let retry = RecordingRetryEnvironment()
            var watch = client.watch(
                Widget.self, namespace: "drop", resourceVersion: start.metadata.resourceVersion, environment: retry.environment
            ).makeAsyncIterator()
            func changes(_ count: Int) async throws -> [String] {
                var seen: [String] = []
                while seen.count < count, let event = try await watch.next() {
                    switch event {
                    case .added(let object), .modified(let object), .deleted(let object):
                        seen.append("\(event.type.rawValue) \(object.metadata.name ?? "") size=\(object.spec.size)")
                    case .bookmark, .error: continue
                    }
                }
                return seen
            }
            for name in ["w1", "w2", "w3"] { _ = try await client.create(Widget(namespace: "drop", name: name, size: 1)) }
            #expect(try await changes(3) == ["ADDED w1 size=1", "ADDED w2 size=1", "ADDED w3 size=1"])
            let lastVersion = watch.resourceVersion

            cluster.server.faults.dropAllWatches()
            for name in ["w4", "w5"] { _ = try await client.create(Widget(namespace: "drop", name: name, size: 1)) }
            _ = try await client.mergePatch(Widget.self, namespace: "drop", name: "w1", patch: ["spec": ["size": 2]] as KubeModels.JSONValue)
            _ = try await client.delete(Widget.self, namespace: "drop", name: "w2")
            #expect(try await changes(4) == ["ADDED w4 size=1", "ADDED w5 size=1", "MODIFIED w1 size=2", "DELETED w2 size=1"])

            let urls = recorder.watchURLs
            #expect(urls.count >= 2, "the drop forced a reconnect")
            #expect(urls.count >= 2 && queryValue(urls[1], "resourceVersion") == lastVersion, "resumed from the last seen version")
            #expect(urls.allSatisfy { queryValue($0, "allowWatchBookmarks") == "true" })
        }
    }

    @Test func goneTriggersARelistThatReportsObjectsDeletedMeanwhile() async throws {
        var options = KubeTestServerOptions()
        options.logRequests = ProcessInfo.processInfo.environment["KUBECLIENT_TEST_LOG"] != nil
        try await TestCluster.with(options, namespaces: ["gone"]) { cluster in
            try await cluster.installWidgetCRD()
            let client = cluster.client
            for name in ["a", "b", "c"] { _ = try await client.create(Widget(namespace: "gone", name: name, size: 1)) }
            let retry = RecordingRetryEnvironment()
            let store = ObjectStore<Widget>()
            let run = ReflectorRun(Reflector<Widget>(api: client, namespace: "gone", store: store, environment: retry.environment))
            defer { run.task.cancel() }
            var events = run.events.makeAsyncIterator()
            #expect(await run.next(1, iterator: &events) == ["restarted a,b,c"])
            try await eventually("the reflector's watch to open") { cluster.server.openWatchCount == 1 }

            // The watch is cut; while its reconnect is held back, b and c go away, and the
            // resume is then refused with 410, as after a long disconnect.
            retry.hold()
            cluster.server.faults.dropAllWatches()
            try await eventually("the watcher to back off") { retry.waitingSleepers == 1 }
            _ = try await client.delete(Widget.self, namespace: "gone", name: "b")
            _ = try await client.delete(Widget.self, namespace: "gone", name: "c")
            cluster.server.faults.failNextWatchesWithGone(1, style: .httpStatus)
            retry.release()
            #expect(await run.next(3, iterator: &events) == ["restarted a", "deleted b", "deleted c"])
            #expect(store.keys.map(\.description) == ["gone/a"])

            _ = try await client.create(Widget(namespace: "gone", name: "d", size: 1))
            #expect(await run.next(1, iterator: &events) == ["applied d"])
            #expect(store.keys.map(\.description) == ["gone/a", "gone/d"])

            // The real server's way: an ERROR event with code 410 on the resumed watch.
            cluster.server.faults.failNextWatchesWithGone(1, style: .errorEvent)
            cluster.server.faults.dropAllWatches()
            #expect(await run.next(1, iterator: &events) == ["restarted a,d"])
        }
    }

    @Test func throttlingAndServerErrorsBackOff() async throws {
        try await TestCluster.with(namespaces: ["backoff"]) { cluster in
            try await cluster.installWidgetCRD()
            let client = cluster.client
            _ = try await client.create(Widget(namespace: "backoff", name: "a", size: 1))
            let prefix = "/apis/example.trustline.dev/v1/namespaces/backoff/widgets"
            cluster.server.faults.failNextRequests(1, status: 429, method: "GET", pathPrefix: prefix, retryAfterSeconds: 2)
            cluster.server.faults.failNextRequests(1, status: 500, method: "GET", pathPrefix: prefix)
            let retry = RecordingRetryEnvironment()
            let reflector = Reflector<Widget>(api: client, namespace: "backoff", environment: retry.environment)
            var iterator = reflector.makeAsyncIterator()
            guard case .restarted(let objects)? = try await iterator.next() else {
                Issue.record("expected the initial list")
                return
            }
            #expect(objects.map(\.metadata.name) == ["a"])
            // 429 with Retry-After 2 s beats the 0.8 s first step; then 500 → 1.6 s.
            #expect(retry.sleeps == [.seconds(2), .milliseconds(1600)])

            // The watch's first connect gets a 500 and backs off from the start of the ladder.
            cluster.server.faults.failNextRequests(1, status: 500, method: "GET", pathPrefix: prefix)
            _ = try await client.create(Widget(namespace: "backoff", name: "b", size: 1))
            guard case .applied(let applied)? = try await iterator.next() else {
                Issue.record("expected b")
                return
            }
            #expect(applied.metadata.name == "b")
            #expect(retry.sleeps == [.seconds(2), .milliseconds(1600), .milliseconds(800)])
            #expect(iterator.listCount == 1)
        }
    }
}
