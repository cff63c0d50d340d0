import Foundation
import Testing
@testable import KubeTestServer

@Suite struct WatchTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test func watchFromVersionSeesChangesInOrder() async throws {
        try await ServerFixture.with { fixture in
            let list = try await fixture.curl("GET", Self.configMaps)
            let start = try #require(list.body[path: ["metadata", "resourceVersion"]]?.stringValue)
            let created = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "w"], "data": ["k": "1"]])
            _ = try await fixture.curl("PATCH", Self.configMaps + "/w", json: ["data": ["k": "2"]], contentType: "application/merge-patch+json")
            _ = try await fixture.curl("DELETE", Self.configMaps + "/w")
            #expect(created.status == 201)
            // Replayed from history; the server ends the stream at timeoutSeconds.
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=\(start)&timeoutSeconds=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "MODIFIED", "DELETED"])
            #expect(events.map { $0[path: ["object", "data", "k"]]?.stringValue ?? "" } == ["1", "2", "2"])
            let versions = events.compactMap { $0["object"]?.resourceVersionNumber }
            #expect(versions == versions.sorted() && Set(versions).count == 3)
        }
    }

    @Test func watchWithoutVersionStartsWithCurrentStateAndHonoursSelectors() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "a", "labels": ["app": "x"]]])
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "b", "labels": ["app": "y"]]])
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=1&labelSelector=app%3Dx&timeoutSeconds=1", seconds: 60)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED"])
            #expect(events.first?[path: ["object", "metadata", "name"]] == "a")
        }
    }

    @Test func labelChangesTurnIntoAddedAndDeletedForSelectorWatches() async throws {
        try await ServerFixture.with { fixture in
            let start = try await fixture.curl("GET", Self.configMaps).body[path: ["metadata", "resourceVersion"]]?.stringValue ?? "0"
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "m", "labels": ["app": "x"]]])
            _ = try await fixture.curl("PATCH", Self.configMaps + "/m", json: ["metadata": ["labels": ["app": "y"]]], contentType: "application/merge-patch+json")
            _ = try await fixture.curl("PATCH", Self.configMaps + "/m", json: ["metadata": ["labels": ["app": "x"]]], contentType: "application/merge-patch+json")
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=true&labelSelector=app%3Dx&resourceVersion=\(start)&timeoutSeconds=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "DELETED", "ADDED"])
        }
    }

    /// client-go's watch-list (kubectl 1.35+): initial state as ADDED, then a BOOKMARK marking its end.
    @Test func watchListEndsInitialEventsWithAnnotatedBookmark() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "one"]])
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "two"]])
            let current = try await fixture.curl("GET", Self.configMaps).body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            let events = try await fixture.watchEvents(
                Self.configMaps + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1",
                seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "ADDED", "BOOKMARK"])
            #expect(events.last?[path: ["object", "metadata", "annotations", "k8s.io/initial-events-end"]] == "true")
            #expect(events.last?[path: ["object", "metadata", "resourceVersion"]]?.stringValue == current)
        }
    }

    @Test func bookmarksArriveWhenAllowed() async throws {
        var options = KubeTestServerOptions()
        // 50 intervals in the watch's 5 s: two bookmarks arrive even when the test run starves
        // the server's threads for a few seconds.
        options.bookmarkInterval = .milliseconds(100)
        try await ServerFixture.with(options) { fixture in
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=true&allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=5", seconds: 20)
            let bookmarks = events.filter { $0["type"] == "BOOKMARK" }
            #expect(bookmarks.count >= 2)
            #expect(bookmarks.first?[path: ["object", "kind"]] == "ConfigMap")
            #expect(bookmarks.first?[path: ["object", "metadata", "resourceVersion"]]?.stringValue.flatMap { Int($0) } ?? 0 >= 1)
            let withoutBookmarks = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=1&timeoutSeconds=1", seconds: 10)
            #expect(withoutBookmarks.isEmpty)
        }
    }

    @Test func tooOldVersionIsGoneAsErrorEvent() async throws {
        var options = KubeTestServerOptions()
        options.watchHistoryLimit = 3
        try await ServerFixture.with(options) { fixture in
            let first = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "c0"]])
            let firstVersion = try #require(first.body.resourceVersionNumber)
            for index in 1...5 {
                _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": .string("c\(index)")]])
            }
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=\(firstVersion)", seconds: 10)
            #expect(events.count == 1)
            #expect(events.first?["type"] == "ERROR")
            #expect(events.first?[path: ["object", "code"]] == 410)
            #expect(events.first?[path: ["object", "reason"]] == "Expired")

            // A recent version still resumes.
            let current = try await fixture.curl("GET", Self.configMaps).body[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            let recent = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=\(current)&timeoutSeconds=1", seconds: 10)
            #expect(recent.isEmpty)
        }
    }

    @Test func expiredContinueTokenIsGone() async throws {
        var options = KubeTestServerOptions()
        options.watchHistoryLimit = 2
        try await ServerFixture.with(options) { fixture in
            for index in 0..<3 {
                _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": .string("p\(index)")]])
            }
            let page = try await fixture.curl("GET", Self.configMaps + "?limit=1")
            let token = try #require(page.body[path: ["metadata", "continue"]]?.stringValue)
            #expect(page.body[path: ["metadata", "remainingItemCount"]] == 2)
            for index in 3..<7 {
                _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": .string("p\(index)")]])
            }
            let expired = try await fixture.curl("GET", Self.configMaps + "?limit=1&continue=\(token)")
            #expect(expired.status == 410)
            #expect(expired.body["reason"] == "Expired")
        }
    }
}
