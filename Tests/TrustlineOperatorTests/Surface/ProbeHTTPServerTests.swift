import Foundation
import HTTPTransport
import Logging
import Testing
@testable import TrustlineOperator

/// The operator's own HTTP/1.1 responder over real loopback sockets: routing answers, malformed
/// and oversized requests, stalled clients, bind failures and a port freed on shutdown.
struct ProbeHTTPServerTests {
    /// One raw request and the answer it must get.
    struct Case: Sendable, CustomTestStringConvertible {
        var request: String
        var status: Int
        var body: String?
        var allow: String? = nil

        var testDescription: String { request.debugDescription }
    }

    static let cases: [Case] = [
        Case(request: "GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n", status: 200, body: "ok\n"),
        Case(request: "GET /readyz?verbose=1 HTTP/1.0\r\n\r\n", status: 503, body: "not ready\nstarting: the resource caches have not synced yet\n"),
        Case(request: "GET /healthz HTTP/1.1\nHost: probe\n\n", status: 200, body: "ok\n"),
        Case(request: "GET /nowhere HTTP/1.1\r\nHost: probe\r\n\r\n", status: 404, body: "not found: /nowhere\n"),
        Case(request: "GET /healthz/ HTTP/1.1\r\n\r\n", status: 404, body: nil),
        Case(request: "POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n", status: 405, body: nil, allow: "GET, HEAD"),
        Case(request: "DELETE /readyz HTTP/1.1\r\n\r\n", status: 405, body: nil, allow: "GET, HEAD"),
        Case(request: "GET healthz HTTP/1.1\r\n\r\n", status: 400, body: nil),
        Case(request: "GET  /healthz HTTP/1.1\r\n\r\n", status: 400, body: nil),
        Case(request: "GET /healthz HTTP/2.0\r\n\r\n", status: 400, body: nil),
        Case(request: "GET /healthz\r\n\r\n", status: 400, body: nil),
        Case(request: "hello there\r\n\r\n", status: 400, body: nil),
        Case(request: "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n", status: 400, body: nil),
    ]

    @Test(arguments: cases) func answersRawRequests(_ testCase: Case) async throws {
        try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: OperatorHealth(), logger: $0) }) { base in
            let answer = try await RawHTTPConnection(port: try #require(base.port)).exchange(testCase.request)
            #expect(answer.status == testCase.status)
            if let body = testCase.body { #expect(answer.body == body) }
            #expect(answer.headers["allow"] == testCase.allow)
            #expect(answer.headers["connection"] == "close")
            #expect(answer.headers["content-length"] == String(answer.body.utf8.count))
        }
    }

    @Test func headGetsTheHeadersOfGetWithoutTheBody() async throws {
        let metrics = OperatorMetrics()
        metrics.recordReconcile(.done, duration: .milliseconds(3))
        try await RunningEndpoint.with({ HTTPEndpoints.metrics(host: "127.0.0.1", port: 0, metrics: metrics, logger: $0) }) { base in
            let port = try #require(base.port)
            let get = try await RawHTTPConnection(port: port).exchange("GET /metrics HTTP/1.1\r\nHost: probe\r\n\r\n")
            let head = try await RawHTTPConnection(port: port).exchange("HEAD /metrics HTTP/1.1\r\nHost: probe\r\n\r\n")
            #expect(get.status == 200 && head.status == 200)
            #expect(get.body.contains("trustline_reconciles_total"))
            #expect(head.body.isEmpty)
            #expect(head.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(head.headers["content-length"] == get.headers["content-length"])
        }
    }

    @Test func anOversizedHeadGets431() async throws {
        try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: OperatorHealth(), logger: $0) }) { base in
            let port = try #require(base.port)
            let padding = String(repeating: "a", count: 9000)
            let answer = try await RawHTTPConnection(port: port).exchange("GET /healthz HTTP/1.1\r\nX-Padding: \(padding)\r\n\r\n")
            #expect(answer.status == 431)
            // Just under the cap is still served.
            let fits = String(repeating: "a", count: 8000)
            let served = try await RawHTTPConnection(port: port).exchange("GET /healthz HTTP/1.1\r\nX-Padding: \(fits)\r\n\r\n")
            #expect(served.status == 200)
        }
    }

    @Test func aSilentClientDoesNotHoldUpAProbeNorShutdown() async throws {
        // A head deadline far beyond the test's patience: a server serving one connection at a
        // time would answer /healthz only after it, and its shutdown would wait for it.
        var limits = EndpointHTTPServer.Limits()
        limits.requestTimeout = .seconds(600)
        let started = ContinuousClock.now
        try await RunningEndpoint.with({
            EndpointHTTPService(name: "health", host: "127.0.0.1", port: 0, routes: HTTPEndpoints.healthRoutes(OperatorHealth()), limits: limits, logger: $0)
        }) { base in
            let silent = try RawHTTPConnection(port: try #require(base.port))
            let secondSilent = try RawHTTPConnection(port: try #require(base.port))
            let response = try await RunningEndpoint.get(base, "/healthz")
            #expect(response.status == 200)
            _ = (silent, secondSilent)
        }
        #expect(ContinuousClock.now - started < .seconds(300), "shutdown waited for the silent client's head deadline")
    }

    @Test func aSilentClientIsDisconnectedAtTheHeadDeadline() async throws {
        var limits = EndpointHTTPServer.Limits()
        limits.requestTimeout = .seconds(1)
        try await RunningEndpoint.with({
            EndpointHTTPService(name: "health", host: "127.0.0.1", port: 0, routes: HTTPEndpoints.healthRoutes(OperatorHealth()), limits: limits, logger: $0)
        }) { base in
            let silent = try RawHTTPConnection(port: try #require(base.port), timeout: .seconds(60))
            let received = try await silent.readUntilClosed()
            #expect(received.isEmpty, "closed without an answer")
        }
    }

    @Test func aTakenPortFailsTheServiceWithAnErrorNamingTheAddress() async throws {
        let blocker = try ListeningSocket(name: "blocker", host: "127.0.0.1", port: 0)
        defer { _ = close(blocker.descriptor) }
        let error = await #expect(throws: EndpointHTTPServerError.self) {
            try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: blocker.port, health: OperatorHealth(), logger: $0) }) { _ in }
        }
        #expect(error?.description.contains("127.0.0.1:\(blocker.port)") == true)
        #expect(error?.description.contains("health endpoint") == true)
        #expect(error?.description.contains("in use") == true)
        #expect(error?.description.contains("--health-probe-bind-address") == true)
    }

    @Test func theSamePortServesAgainAfterRunEnds() async throws {
        let health = OperatorHealth()
        let port = try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: health, logger: $0) }) { base in
            #expect(try await RunningEndpoint.get(base, "/healthz").status == 200)
            return try #require(base.port)
        }
        try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: port, health: health, logger: $0) }) { base in
            let status = try await RunningEndpoint.get(base, "/healthz").status
            #expect(base.port == port)
            #expect(status == 200)
        }
    }

    /// Whether this machine has an IPv6 loopback to bind (some containers switch IPv6 off).
    static var ipv6LoopbackAvailable: Bool {
        guard let socket = try? ListeningSocket(name: "check", host: "::1", port: 0) else { return false }
        _ = close(socket.descriptor)
        return true
    }

    @Test(.enabled(if: ipv6LoopbackAvailable, "no IPv6 loopback here")) func listensOnAnIPv6Literal() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try EndpointHTTPServer(name: "health", host: "::1", port: 0, routes: HTTPEndpoints.healthRoutes(OperatorHealth()))
        let ended = DispatchSemaphore(value: 0)
        server.start(onListening: { continuation.yield($0) }, onEnd: { _ in ended.signal() })
        defer { server.stop() }
        var bound: Int?
        for await port in ports {
            bound = port
            break
        }
        let port = try #require(bound)
        let answer = try await RawHTTPConnection(port: port, ipv6: true).exchange("GET /healthz HTTP/1.1\r\n\r\n")
        #expect(answer.status == 200 && answer.body == "ok\n")
        server.stop()
        try await RawHTTPConnection.offThePool { ended.wait() }
    }
}

/// The request-head parser on its own.
struct HTTPRequestHeadTests {
    @Test(arguments: [
        ("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "GET", "/metrics"),
        ("HEAD /readyz?x=1&y=2 HTTP/1.0\r\n\r\n", "HEAD", "/readyz"),
        ("OPTIONS / HTTP/1.1\n\n", "OPTIONS", "/"),
    ])
    func parsesMethodAndPath(_ text: String, _ method: String, _ path: String) throws {
        let head = try HTTPRequestHead(parsing: Array(text.utf8))
        #expect(head.method == method)
        #expect(head.path == path)
    }

    @Test func findsTheEndOfTheHeadOnlyOnceComplete() {
        #expect(HTTPRequestHead.endOfHead(in: Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8)) == nil)
        #expect(HTTPRequestHead.endOfHead(in: Array("GET / HTTP/1.1\r\n\r\nbody".utf8)) == 18)
        #expect(HTTPRequestHead.endOfHead(in: Array("GET / HTTP/1.1\n\nbody".utf8)) == 16)
    }

    @Test func aBadVersionIsNamedInTheError() {
        #expect(throws: HTTPRequestHead.Malformed.version("HTTP/3")) {
            try HTTPRequestHead(parsing: Array("GET / HTTP/3\r\n\r\n".utf8))
        }
    }
}
