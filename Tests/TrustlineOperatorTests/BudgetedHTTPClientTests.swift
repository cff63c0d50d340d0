import ControllerRuntime
import Foundation
import HTTPTransport
import Synchronization
import Testing
@testable import TrustlineOperator

/// The IAM request budget at the transport: a request waits for its token, a waiting change goes
/// before a waiting read, and a cancelled waiter sends nothing.
@Suite struct BudgetedHTTPClientTests {
    /// Answers 200 at once and remembers the order of the actions it was sent.
    final class OrderRecorder: HTTPClient {
        let sent = Mutex<[String]>([])
        func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
            sent.withLock { $0.append(MeteredHTTPClient.action(ofFormBody: request.body)) }
            return HTTPResponse(status: 200)
        }
        func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
            throw .invalidRequest("not used")
        }
    }

    static func request(_ action: String) throws -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: try #require(URL(string: "http://127.0.0.1:1/")),
            headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data("Action=\(action)&Version=2010-05-08".utf8))
    }

    /// Waits (in real time, briefly) until `count` requests wait in `budget`.
    static func waitUntil(_ budget: RequestBudget, hasWaiting count: Int) async throws {
        for _ in 0..<500 where budget.waiting < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(budget.waiting == count)
    }

    @Test func writesWaitingBehindTheBudgetGoBeforeReads() async throws {
        let clock = ManualClock()
        let recorder = OrderRecorder()
        let budget = RequestBudget(ratePerSecond: 1, burst: 1, clock: clock)
        let client = BudgetedHTTPClient(wrapped: recorder, budget: budget, metrics: OperatorMetrics())
        _ = try await client.send(Self.request("GetRole"))
        #expect(recorder.sent.withLock { $0 } == ["GetRole"])

        let read = Task { try await client.send(Self.request("ListRolePolicies")) }
        try await Self.waitUntil(budget, hasWaiting: 1)
        let write = Task { try await client.send(Self.request("PutRolePolicy")) }
        try await Self.waitUntil(budget, hasWaiting: 2)
        #expect(recorder.sent.withLock { $0 } == ["GetRole"], "nothing passes before a token is due")

        clock.advance(by: .seconds(1))
        _ = try await write.value
        #expect(recorder.sent.withLock { $0 } == ["GetRole", "PutRolePolicy"])
        clock.advance(by: .seconds(1))
        _ = try await read.value
        #expect(recorder.sent.withLock { $0 } == ["GetRole", "PutRolePolicy", "ListRolePolicies"])

        let cancelled = Task { try await client.send(Self.request("DeleteRole")) }
        try await Self.waitUntil(budget, hasWaiting: 1)
        cancelled.cancel()
        await #expect(throws: HTTPTransportError.self) { try await cancelled.value }
        #expect(budget.waiting == 0)
        clock.advance(by: .seconds(1))
        _ = try await client.send(Self.request("GetRole"))
        #expect(recorder.sent.withLock { $0 } == ["GetRole", "PutRolePolicy", "ListRolePolicies", "GetRole"])
    }
}
