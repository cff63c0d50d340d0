import Foundation
import HTTPTransport
import Testing

@Suite("CurlHTTPClient cancellation at arbitrary moments")
struct CancellationRaceTests {
    /// Cancels sends and streams at spread-out moments (before submission, while connecting,
    /// mid-body, while paused). Every task must end, with a line count or `.cancelled`, and the
    /// client must still serve a request afterwards; a double resume would crash the process.
    @Test func everyCancelledTaskEndsAndTheClientKeepsWorking() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient(streamBufferLines: 4)
        let endless = server.url("/endless")
        let lines = server.url("/lines?count=500")
        let never = server.url("/never")

        let outcomes = await withTaskGroup(of: Result<Int, any Error>.self) { group in
            for index in 0..<30 {
                let task = Task { () throws -> Int in
                    switch index % 3 {
                    case 0:
                        _ = try await client.send(HTTPRequest(url: never, timeout: nil))
                        return 0
                    case 1:
                        let response = try await client.stream(HTTPRequest(url: endless, timeout: nil))
                        var count = 0
                        for try await _ in response.lines { count += 1 }
                        return count
                    default:
                        // Never reads: the transfer pauses with a full buffer.
                        let response = try await client.stream(HTTPRequest(url: lines, timeout: nil))
                        try await Task.sleep(for: .seconds(60))
                        return response.status
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .microseconds(index * 1_500))
                    task.cancel()
                    return await task.result
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        #expect(outcomes.count == 30)
        for outcome in outcomes {
            if case .failure(let error) = outcome {
                let isCancellation = error as? HTTPTransportError == .cancelled || error is CancellationError
                #expect(isCancellation, "unexpected \(error)")
            }
        }
        let after = try await client.send(HTTPRequest(url: server.url("/hello")))
        #expect(after.status == 200)
    }
}
