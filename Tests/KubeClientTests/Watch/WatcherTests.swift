import Foundation
import HTTPTransport
import KubeModels
import Synchronization
import Testing

@testable import KubeClient

/// A `RetryEnvironment` whose clock only moves when the code under test sleeps, recording sleeps.
/// Sleeps return at once, unless `hold()` was called: then they wait for `release()`.
final class RecordingRetryEnvironment: Sendable {
    struct Gate {
        var holding = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let start = ContinuousClock.now
    let slept = Mutex<[Duration]>([])
    let gate = Mutex(Gate())

    var sleeps: [Duration] { slept.withLock { $0 } }
    var waitingSleepers: Int { gate.withLock { $0.waiting.count } }

    func hold() { gate.withLock { $0.holding = true } }

    func release() {
        let waiting = gate.withLock { gate in
            gate.holding = false
            defer { gate.waiting = [] }
            return gate.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    var environment: RetryEnvironment {
        RetryEnvironment(
            now: { [self] in start + slept.withLock { $0.reduce(.zero, +) } },
            sleep: { [self] duration in
                slept.withLock { $0.append(duration) }
                await withCheckedContinuation { continuation in
                    let resumeNow = gate.withLock { gate in
                        guard gate.holding else { return true }
                        gate.waiting.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            },
            random: { 0.5 })
    }
}

func widgetLine(_ type: String, _ name: String, _ version: String, size: Int = 1) -> String {
    #"{"type":"\#(type)","object":{"apiVersion":"example.trustline.dev/v1","kind":"Widget","metadata":{"name":"\#(name)","namespace":"ns","resourceVersion":"\#(version)"},"spec":{"size":\#(size)}}}"#
}

func bookmarkLine(_ version: String) -> String {
    #"{"type":"BOOKMARK","object":{"kind":"Widget","apiVersion":"example.trustline.dev/v1","metadata":{"resourceVersion":"\#(version)"}}}"#
}

func errorLine(_ code: Int, _ reason: String) -> String {
    #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"\#(reason)","message":"too old","code":\#(code)}}"#
}

@Suite("Watcher driven over a fake transport")
struct WatcherTests {
    @Test func restartsFromLastVersionBacksOffAndSurfacesGone() async throws {
        let http = FakeHTTPClient { request, index in
            switch index {
            case 0:  // events, a bookmark, then the connection drops
                return .stream(status: 200, headers: [:], lines: [widgetLine("ADDED", "a", "2"), bookmarkLine("5")],
                    thenFail: .connectionReset("peer closed"))
            case 1:  // a clean end after one event (server-side timeout)
                return .stream(status: 200, headers: [:], lines: ["", widgetLine("MODIFIED", "a", "6", size: 2)], thenFail: nil)
            case 2: return .response(.json(429, APIErrorTests.status(429, "TooManyRequests"), headers: ["Retry-After": "3"]))
            case 3: return .response(.json(500, APIErrorTests.status(500, "InternalError")))
            case 4: return .failure(.connectionRefused("127.0.0.1"))
            case 5: return .stream(status: 200, headers: [:], lines: [widgetLine("DELETED", "a", "7"), errorLine(410, "Expired")], thenFail: nil)
            default: return .response(.json(500, "unexpected"))
            }
        }
        let configuration = KubeConfiguration(server: URL(string: "https://h")!)
        let client = KubernetesClient(configuration: configuration, makeHTTPClient: { _ in http })
        let recorder = RecordingRetryEnvironment()
        var events: [String] = []
        let error = await #expect(throws: KubeAPIError.self) {
            for try await event in client.watch(Widget.self, namespace: "ns", resourceVersion: "1", environment: recorder.environment) {
                events.append("\(event.type.rawValue) \(event.resourceVersion ?? "")")
            }
        }
        #expect(error?.isGone == true)
        #expect(error?.reason == "Expired")
        #expect(events == ["ADDED 2", "BOOKMARK 5", "MODIFIED 6", "DELETED 7"])
        let versions = http.requests.map { request in
            URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "resourceVersion" }?.value ?? "-"
        }
        #expect(versions == ["1", "5", "6", "6", "6", "6"])
        // drop → 0.8 s; clean end → none; 429 → Retry-After 3 s (beats 1.6 s); 500 → 3.2 s; refused → 6.4 s.
        #expect(recorder.sleeps == [.milliseconds(800), .seconds(3), .milliseconds(3200), .milliseconds(6400)])
        for request in http.requests {
            let items = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            #expect(items.contains(URLQueryItem(name: "watch", value: "true")))
            #expect(items.contains(URLQueryItem(name: "allowWatchBookmarks", value: "true")))
            let timeout = Int(items.first { $0.name == "timeoutSeconds" }?.value ?? "") ?? 0
            #expect((300...600).contains(timeout))
            #expect(request.timeout == .seconds(timeout + 30), "a client-side limit just past the server's")
        }
    }

    @Test func httpGoneEndsTheWatchAndForbiddenIsFatal() async throws {
        for (code, reason) in [(410, "Gone"), (403, "Forbidden")] {
            let http = FakeHTTPClient { _, _ in .response(.json(code, APIErrorTests.status(code, reason))) }
            let client = KubernetesClient(configuration: KubeConfiguration(server: URL(string: "https://h")!), makeHTTPClient: { _ in http })
            let recorder = RecordingRetryEnvironment()
            let error = await #expect(throws: KubeAPIError.self) {
                for try await _ in client.watch(Widget.self, namespace: "ns", resourceVersion: "1", environment: recorder.environment) {}
            }
            #expect(error?.code == code)
            #expect(http.requests.count == 1)
            #expect(recorder.sleeps.isEmpty)
        }
    }
}

@Suite("Reflector over a fake transport")
struct ReflectorFakeTests {
    static func list(_ version: String, _ names: [String]) -> String {
        let items = names.map { #"{"metadata":{"name":"\#($0)","namespace":"ns","resourceVersion":"\#(version)"},"spec":{"size":1}}"# }
        return #"{"metadata":{"resourceVersion":"\#(version)"},"items":[\#(items.joined(separator: ","))]}"#
    }

    @Test func relistAfterGoneReportsWhatWasDeletedMeanwhile() async throws {
        let http = FakeHTTPClient { request, index in
            let isWatch = request.url.query?.contains("watch=true") ?? false
            switch (index, isWatch) {
            case (0, false): return .response(.json(200, Self.list("10", ["a", "b", "c"])))
            case (1, true): return .stream(status: 200, headers: [:], lines: [widgetLine("ADDED", "d", "11"), errorLine(410, "Expired")], thenFail: nil)
            case (2, false): return .response(.json(503, "busy"))
            case (3, false): return .response(.json(200, Self.list("20", ["a", "d"])))
            case (4, true): return .stream(status: 200, headers: [:], lines: [widgetLine("MODIFIED", "a", "21", size: 9)], thenFail: nil)
            default: return .response(.json(403, APIErrorTests.status(403, "Forbidden")))
            }
        }
        let client = KubernetesClient(configuration: KubeConfiguration(server: URL(string: "https://h")!), makeHTTPClient: { _ in http })
        let recorder = RecordingRetryEnvironment()
        let store = ObjectStore<Widget>()
        let reflector = Reflector<Widget>(api: client, namespace: "ns", store: store, environment: recorder.environment)
        var log: [String] = []
        var afterFirstList: [String] = []
        await #expect(throws: KubeAPIError.self) {
            for try await event in reflector {
                switch event {
                case .restarted(let objects):
                    log.append("restarted " + objects.map { $0.metadata.name ?? "" }.joined(separator: ","))
                    if afterFirstList.isEmpty { afterFirstList = store.keys.map(\.description) }
                case .applied(let object): log.append("applied \(object.metadata.name ?? "")")
                case .deleted(let object): log.append("deleted \(object.metadata.name ?? "")")
                case .skipped(let bad): log.append("skipped \(bad.key?.name ?? "")")
                }
            }
        }
        #expect(log == ["restarted a,b,c", "applied d", "restarted a,d", "deleted b", "deleted c", "applied a"])
        #expect(afterFirstList == ["ns/a", "ns/b", "ns/c"])
        #expect(store.keys.map(\.description) == ["ns/a", "ns/d"])
        #expect(store.get(namespace: "ns", name: "a")?.spec.size == 9)
        #expect(recorder.sleeps == [.milliseconds(800)], "the 503 on relist backed off")
        let watchVersions = http.requests.filter { $0.url.query?.contains("watch=true") ?? false }.map { request in
            URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "resourceVersion" }?.value
        }
        #expect(watchVersions == ["10", "20", "21"])
    }
}
