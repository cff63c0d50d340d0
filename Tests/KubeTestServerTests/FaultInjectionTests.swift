import Foundation
import Testing
@testable import KubeTestServer

@Suite struct FaultInjectionTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test(arguments: [(429, "TooManyRequests"), (500, "InternalError"), (409, "Conflict")])
    func injectedStatusesMatchMethodAndPath(status: Int, reason: String) async throws {
        try await ServerFixture.with { fixture in
            fixture.server.faults.failNextRequests(2, status: status, method: "GET", pathPrefix: Self.configMaps, retryAfterSeconds: 3)
            let other = try await fixture.curl("GET", "/api/v1/namespaces")
            #expect(other.status == 200)
            for _ in 0..<2 {
                let failed = try await fixture.curl("GET", Self.configMaps)
                #expect(failed.status == status)
                #expect(failed.body["kind"] == "Status")
                #expect(failed.body["reason"]?.stringValue == reason)
                #expect(failed.body["code"] == .int(Int64(status)))
                if status == 429 {
                    #expect(failed.headers.lowercased().contains("retry-after: 3"))
                    #expect(failed.body[path: ["details", "retryAfterSeconds"]] == 3)
                }
            }
            #expect(try await fixture.curl("GET", Self.configMaps).status == 200)
        }
    }

    @Test func goneWatchesInBothStyles() async throws {
        try await ServerFixture.with { fixture in
            fixture.server.faults.failNextWatchesWithGone(1)
            let events = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=1", seconds: 10)
            #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ERROR"])
            #expect(events.first?[path: ["object", "code"]] == 410)
            fixture.server.faults.failNextWatchesWithGone(1, style: .httpStatus)
            let gone = try await fixture.curl("GET", Self.configMaps + "?watch=true&resourceVersion=1")
            #expect(gone.status == 410)
            let healthy = try await fixture.watchEvents(Self.configMaps + "?watch=true&resourceVersion=1&timeoutSeconds=1", seconds: 10)
            #expect(healthy.isEmpty)
        }
    }

    @Test func droppedWatchEndsTheStream() async throws {
        try await ServerFixture.with { fixture in
            let watcher = try Subprocess.start(
                "curl", ["-sS", "-N", "--cacert", fixture.caPath, "-H", "Authorization: Bearer \(fixture.server.bearerToken)",
                         fixture.server.baseURL.absoluteString + Self.configMaps + "?watch=true&resourceVersion=1"])
            defer { watcher.terminate() }
            try await waitUntil { fixture.server.openWatchCount == 1 }
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "before-drop"]])
            fixture.server.faults.dropAllWatches()
            let output = await watcher.wait(timeout: .seconds(10))
            #expect(output.status == 0, "curl should see a clean end of the stream: \(output.description)")
            #expect(output.stdout.contains("before-drop"))
            #expect(fixture.server.openWatchCount == 0)
        }
    }

    @Test func stalledWatchHoldsEventsUntilReleased() async throws {
        try await ServerFixture.with { fixture in
            let watcher = try Subprocess.start(
                "curl", ["-sS", "-N", "--cacert", fixture.caPath, "-H", "Authorization: Bearer \(fixture.server.bearerToken)",
                         fixture.server.baseURL.absoluteString + Self.configMaps + "?watch=true&resourceVersion=1&timeoutSeconds=5"])
            defer { watcher.terminate() }
            try await waitUntil { fixture.server.openWatchCount == 1 }
            fixture.server.faults.watchesStalled = true
            _ = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "held"]])
            try await Task.sleep(for: .milliseconds(700))
            #expect(!watcher.currentStdout().contains("held"))
            fixture.server.faults.watchesStalled = false
            try await waitUntil { watcher.currentStdout().contains("held") }
        }
    }

    @Test func stopEndsStalledWatchesPromptly() async throws {
        let server = try await KubeTestServer.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        try Data(server.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: ca))
        let watcher = try Subprocess.start(
            "curl", ["-sS", "-N", "--cacert", ca, "-H", "Authorization: Bearer \(server.bearerToken)",
                     server.baseURL.absoluteString + Self.configMaps + "?watch=true"])
        defer { watcher.terminate() }
        try await waitUntil { server.openWatchCount == 1 }
        server.faults.watchesStalled = true
        let clock = ContinuousClock()
        let started = clock.now
        await server.stop()
        // A stalled watch would hold stop() forever; the bound leaves room for a starved 2-core run.
        #expect(clock.now - started < .seconds(30))
        let output = await watcher.wait(timeout: .seconds(10))
        #expect(output.status == 0, "\(output.description)")
    }

    @Test func latencyDelaysResponses() async throws {
        try await ServerFixture.with { fixture in
            fixture.server.faults.latency = .milliseconds(400)
            let clock = ContinuousClock()
            let started = clock.now
            let answer = try await fixture.curl("GET", "/api/v1/namespaces")
            #expect(answer.status == 200)
            #expect(clock.now - started >= .milliseconds(400))
            fixture.server.faults.reset()
            #expect(fixture.server.faults.latency == .zero)
        }
    }
}

/// Polls a condition every 50 ms for up to `timeout`, failing the test if it never holds.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(timeout)")
}
