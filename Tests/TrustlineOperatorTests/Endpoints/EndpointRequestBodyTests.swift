import Foundation
import Testing
@testable import TrustlineOperator

/// Requests with a body on the plain endpoint server: read exactly by `Content-Length`, capped,
/// and refused clearly when framed any other way.
struct EndpointRequestBodyTests {
    static func routes() -> EndpointRoutes {
        var routes = HTTPEndpoints.healthRoutes(OperatorHealth())
        routes.postHandlers["/echo"] = { request in
            EndpointResponse(status: 200, body: "\(request.body.count):" + String(decoding: request.body, as: UTF8.self))
        }
        return routes
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var request: String
        var status: Int
        var body: String?
        var testDescription: String { request.debugDescription }
    }

    static let cases: [Case] = [
        Case(request: "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", status: 200, body: "5:hello"),
        Case(request: "POST /echo HTTP/1.1\r\ncontent-length: 5\r\nContent-Length: 5\r\n\r\nhello", status: 200, body: "5:hello"),
        Case(request: "POST /echo HTTP/1.1\r\n\r\n", status: 200, body: "0:"),
        Case(request: "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", status: 400, body: nil),
        Case(request: "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n", status: 400, body: nil),
        Case(request: "POST /echo HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", status: 400, body: nil),
        Case(request: "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", status: 411, body: nil),
        Case(request: "POST /echo HTTP/1.1\r\nContent-Length: 3145729\r\n\r\n", status: 413, body: nil),
        Case(request: "GET /echo HTTP/1.1\r\n\r\n", status: 405, body: nil),
        Case(request: "POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n", status: 405, body: nil),
    ]

    @Test(arguments: cases) func answers(_ testCase: Case) async throws {
        try await RunningEndpoint.with({ EndpointHTTPService(name: "echo", host: "127.0.0.1", port: 0, routes: Self.routes(), logger: $0) }) { base in
            let answer = try await RawHTTPConnection(port: try #require(base.port)).exchange(testCase.request)
            #expect(answer.status == testCase.status)
            if let body = testCase.body { #expect(answer.body == body) }
        }
    }

    @Test func aBodyThatStopsShortIsDroppedAtTheDeadline() async throws {
        var limits = EndpointHTTPServer.Limits()
        limits.requestTimeout = .seconds(1)
        try await RunningEndpoint.with({
            EndpointHTTPService(name: "echo", host: "127.0.0.1", port: 0, routes: Self.routes(), limits: limits, logger: $0)
        }) { base in
            let started = ContinuousClock.now
            let connection = try RawHTTPConnection(port: try #require(base.port), timeout: .seconds(60))
            let received = try await connection.sendThenReadUntilClosed(Array("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly ten..".utf8))
            #expect(received.isEmpty, "closed without an answer")
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
