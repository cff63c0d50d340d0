import Foundation
import HTTPTransport
import KubeModels
import Testing

@testable import KubeClient

/// A reflector's transform sees every object, listed or watched, before the cache and the
/// caller do: what it drops is never stored.
@Suite("Reflector transform", .timeLimit(.minutes(1)))
struct ReflectorTransformTests {
    @Test func listedAndWatchedObjectsAreCachedAndYieldedTransformed() async throws {
        let http = FakeHTTPClient { request, index in
            let isWatch = request.url.query?.contains("watch=true") ?? false
            switch (index, isWatch) {
            case (0, false): return .response(.json(200, ReflectorFakeTests.list("10", ["a", "b"])))
            case (1, true):
                return .stream(status: 200, headers: [:], lines: [widgetLine("ADDED", "c", "11", size: 3), widgetLine("DELETED", "a", "12", size: 4)], thenFail: nil)
            default: return .response(.json(403, APIErrorTests.status(403, "Forbidden")))
            }
        }
        let store = ObjectStore<Widget>()
        // Keeps the name, drops the rest of the metadata, and doubles the size.
        let reflector = Reflector<Widget>(
            api: ReflectorPagingTests.client(http), namespace: "ns", store: store, environment: RecordingRetryEnvironment().environment,
            transform: { widget in
                var kept = widget
                kept.metadata = ObjectMeta(name: widget.metadata.name, namespace: widget.metadata.namespace)
                kept.spec.size *= 2
                return kept
            })
        var seen: [String] = []
        await #expect(throws: KubeAPIError.self) {
            for try await event in reflector {
                switch event {
                case .restarted(let objects): seen += objects.map { "listed \($0.metadata.name ?? "") \($0.spec.size) rv=\($0.metadata.resourceVersion ?? "-")" }
                case .applied(let object): seen.append("applied \(object.metadata.name ?? "") \(object.spec.size) rv=\(object.metadata.resourceVersion ?? "-")")
                case .deleted(let object): seen.append("deleted \(object.metadata.name ?? "") \(object.spec.size)")
                case .skipped: seen.append("skipped")
                }
            }
        }
        #expect(seen == ["listed a 2 rv=-", "listed b 2 rv=-", "applied c 6 rv=-", "deleted a 8"])
        #expect(store.keys.map(\.description) == ["ns/b", "ns/c"])
        #expect(store.get(namespace: "ns", name: "c")?.spec.size == 6)
        #expect(store.get(namespace: "ns", name: "b")?.metadata.resourceVersion == nil)
        // The watch still resumes from the list's own resourceVersion, not a trimmed object's.
        let watch = http.requests.first { $0.url.query?.contains("watch=true") ?? false }
        #expect(watch?.url.query?.contains("resourceVersion=10") == true)
    }
}
