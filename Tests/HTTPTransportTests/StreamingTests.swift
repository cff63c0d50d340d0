import Foundation
import Testing

@testable import HTTPTransport

@Suite("CurlHTTPClient streaming")
struct StreamingTests {
    @Test func linesSplitAcrossChunksAndPackedWithinChunksArriveWhole() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.stream(HTTPRequest(url: server.url("/chunked-lines")))
        var lines: [String] = []
        for try await line in response.lines {
            lines.append(String(decoding: line, as: UTF8.self))
        }

        #expect(response.status == 200)
        #expect(response.headers["Transfer-Encoding"] == "chunked")
        #expect(response.httpVersion == "HTTP/1.1")
        #expect(lines == ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "the-end"])
    }

    @Test func errorStatusIsStreamedLikeAnyOther() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.stream(HTTPRequest(url: server.url("/status/404")))
        var lines: [String] = []
        for try await line in response.lines { lines.append(String(decoding: line, as: UTF8.self)) }

        #expect(response.status == 404)
        #expect(lines == ["status 404"])
    }

    @Test func slowReaderGetsEveryLineInOrderWhileTheTransferPauses() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let capacity = 8
        let client = CurlHTTPClient(streamBufferLines: capacity)
        let count = 2000

        let response = try await client.stream(HTTPRequest(url: server.url("/lines?count=\(count)"), timeout: nil))
        var received: [String] = []
        for try await line in response.lines {
            received.append(String(decoding: line.prefix(11), as: UTF8.self))
            if received.count % 10 == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }

        #expect(received == (0..<count).map { String(format: "line-%06d", $0) })
        let statistics = client.streamStatistics.snapshot
        #expect(statistics.pauses > 0)
        #expect(statistics.resumes > 0)
        // Bounded: the buffer may exceed its capacity only by the lines of one libcurl chunk
        // (at most CURL_MAX_WRITE_SIZE = 16 KiB; the lines here are 52 bytes).
        #expect(statistics.mostLinesBuffered <= capacity + 16384 / 52 + 1)
    }

    @Test func cancellingTheReaderClosesTheConnection() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()
        let url = server.url("/endless")
        let (progress, progressContinuation) = AsyncStream.makeStream(of: Int.self)

        let reader = Task {
            // `stream` returns with the head although this body never ends.
            let response = try await client.stream(HTTPRequest(url: url, timeout: nil))
            var count = 0
            for try await _ in response.lines {
                count += 1
                progressContinuation.yield(count)
            }
            return count
        }
        for await count in progress where count == 3 { break }
        let cancelledAt = Date().timeIntervalSince1970
        reader.cancel()

        let outcome = await reader.result
        switch outcome {
        case .failure(let error):
            #expect(error as? HTTPTransportError == .cancelled)
        case .success(let count):
            // The sequence may also just end for a cancelled task.
            #expect(count >= 3)
        }
        var closedAt: [Double] = []
        let closed = try await eventually {
            let counters = try await server.counters("/closed")
            closedAt = counters["closed_at"] as? [Double] ?? []
            return counters["closed"] as? Int == 1
        }
        #expect(closed, "the server never saw the connection close")
        if let seen = closedAt.first {
            print("stream cancellation: server saw the close \(Int((seen - cancelledAt) * 1_000_000)) µs after cancel()")
        }
    }

    @Test func droppingTheStreamAfterBreakingOutClosesTheConnection() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let firstTwo = try await Self.readLines(2, from: server.url("/endless"), with: client)

        #expect(firstTwo == ["tick-0", "tick-1"])
        let closed = try await eventually { try await server.counters("/closed")["closed"] as? Int == 1 }
        #expect(closed, "the server never saw the connection close")
    }

    @Test func cancellingAnUnansweredSendStopsTheTransfer() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()
        let url = server.url("/never")

        let request = Task { try await client.send(HTTPRequest(url: url, timeout: nil)) }
        // Wait until the server holds the request, then cancel.
        _ = try await eventually { try await server.counters("/connections")["connections"] as? Int ?? 0 >= 2 }
        let cancelledAt = Date().timeIntervalSince1970
        request.cancel()

        let outcome = await request.result
        #expect(throws: HTTPTransportError.cancelled) { try outcome.get() }
        var closedAt: [Double] = []
        let closed = try await eventually {
            let counters = try await server.counters("/closed")
            closedAt = counters["closed_at"] as? [Double] ?? []
            return counters["closed"] as? Int == 1
        }
        #expect(closed, "the server never saw the connection close")
        if let seen = closedAt.first {
            print("send cancellation: server saw the close \(Int((seen - cancelledAt) * 1_000_000)) µs after cancel()")
        }
    }

    /// Reads `count` lines, breaks out, and lets the response go out of scope.
    private static func readLines(_ count: Int, from url: URL, with client: CurlHTTPClient) async throws -> [String] {
        let response = try await client.stream(HTTPRequest(url: url, timeout: nil))
        var lines: [String] = []
        for try await line in response.lines {
            lines.append(String(decoding: line, as: UTF8.self))
            if lines.count == count { break }
        }
        return lines
    }
}
