import Foundation
import HTTPTransport
import Testing

@Suite("CurlHTTPClient over plain HTTP")
struct PlainHTTPTests {
    struct Echo: Decodable {
        var method: String
        var path: String
        var headers: [[String]]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }
    }

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.send(HTTPRequest(url: server.url("/hello")))

        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        #expect(response.headers["content-length"] == "5")
        #expect(response.headers["Content-Type"] == "text/plain")
        #expect(response.httpVersion == "HTTP/1.1")
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE"])
    func methodHeadersAndBodyReachTheServer(method: String) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()
        var request = HTTPRequest(
            method: method,
            url: server.url("/echo/./a/../b?x=1&y=%2F"),
            headers: ["X-Amz-Date": "20150830T123600Z", "Content-Type": "application/json", "X-Empty": ""],
            body: Data(#"{"a":1}"#.utf8)
        )
        request.bearerToken = "token-123"

        let response = try await client.send(request)
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)

        #expect(response.status == 200)
        #expect(echo.method == method)
        #expect(echo.path == "/echo/./a/../b?x=1&y=%2F")
        #expect(echo.body == #"{"a":1}"#)
        #expect(echo.header("X-Amz-Date") == "20150830T123600Z")
        #expect(echo.header("Content-Type") == "application/json")
        #expect(echo.header("X-Empty") == "")
        #expect(echo.header("Authorization") == "Bearer token-123")
        #expect(echo.header("Content-Length") == "7")
        // libcurl's own defaults are not added behind the caller's back.
        #expect(echo.header("Accept") == nil)
        #expect(echo.header("Expect") == nil)
    }

    @Test func postWithoutBodyOrContentTypeSendsNeitherDefault() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/echo")))
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)

        #expect(echo.method == "POST")
        #expect(echo.body == "")
        #expect(echo.header("Content-Length") == "0")
        #expect(echo.header("Content-Type") == nil)
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResponsesNotErrors(status: Int) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.send(HTTPRequest(url: server.url("/status/\(status)")))

        #expect(response.status == status)
        #expect(String(decoding: response.body, as: UTF8.self) == "status \(status)")
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        for _ in 0..<5 {
            let response = try await client.send(HTTPRequest(url: server.url("/hello")))
            #expect(response.status == 200)
        }
        // Asked over the same client, so this request is the sixth on the same connection.
        let response = try await client.send(HTTPRequest(url: server.url("/connections")))
        let counters = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Int])

        #expect(counters["connections"] == 1)
    }

    @Test func concurrentRequestsAllComplete() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let urls = (0..<20).map { server.url("/status/\(200 + $0)") }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for url in urls {
                group.addTask { try await client.send(HTTPRequest(url: url)).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(statuses.sorted() == Array(200..<220))
    }

    @Test func connectionLimitPerHostQueuesConcurrentRequestsOnOneConnection() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient(maxConnectionsPerHost: 1)

        let urls = (0..<6).map { server.url("/status/\(200 + $0)") }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for url in urls {
                group.addTask { try await client.send(HTTPRequest(url: url)).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let response = try await client.send(HTTPRequest(url: server.url("/connections")))

        #expect(statuses.sorted() == Array(200..<206))
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"connections": 1}"#)
    }

    @Test func requestOfAnAlreadyCancelledTaskNeverReachesTheServer() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()
        let url = server.url("/hello")

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequest(url: url))
        }
        let outcome = await task.result

        #expect(throws: HTTPTransportError.cancelled) { try outcome.get() }
        let counters = try await server.counters("/connections")
        #expect(counters["connections"] as? Int == 1, "only the counters request itself may have connected")
    }
}
