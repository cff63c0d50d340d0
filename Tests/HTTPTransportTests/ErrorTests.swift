import Foundation
import HTTPTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CurlHTTPClient typed errors")
struct ErrorTests {
    enum Kind: String {
        case connectionRefused, hostNotFound, tls, timeout, connectionReset, cancelled, invalidRequest, other
    }

    static func kind(of error: HTTPTransportError) -> Kind {
        switch error {
        case .connectionRefused: .connectionRefused
        case .hostNotFound: .hostNotFound
        case .tls: .tls
        case .timeout: .timeout
        case .connectionReset: .connectionReset
        case .cancelled: .cancelled
        case .invalidRequest: .invalidRequest
        case .other: .other
        }
    }

    /// Sends `request` and returns the transport error it must fail with.
    static func failure(of request: HTTPRequest, client: CurlHTTPClient = CurlHTTPClient()) async -> HTTPTransportError? {
        do {
            let response = try await client.send(request)
            Issue.record("expected an error, got status \(response.status)")
            return nil
        } catch {
            return error
        }
    }

    @Test func closedPortIsConnectionRefused() async throws {
        let port = try Self.portWithNothingListening()

        let error = await Self.failure(of: HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/")!))

        let refused = try #require(error)
        #expect(Self.kind(of: refused) == .connectionRefused)
    }

    @Test func unresolvableNameIsHostNotFound() async throws {
        let error = await Self.failure(of: HTTPRequest(url: URL(string: "http://trustline-transport-test.invalid/")!))

        let notFound = try #require(error)
        #expect(Self.kind(of: notFound) == .hostNotFound)
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }

        let started = ContinuousClock.now
        let error = await Self.failure(of: HTTPRequest(url: server.url("/never"), timeout: .milliseconds(300)))
        let elapsed = ContinuousClock.now - started

        let timeout = try #require(error)
        #expect(Self.kind(of: timeout) == .timeout)
        #expect(elapsed >= .milliseconds(300))
    }

    @Test func serverThatNeverAcceptsHitsTheConnectTimeout() async throws {
        let server = try await TestServer.start(["--unaccepting"])
        defer { server.stop() }
        let client = CurlHTTPClient(connectTimeout: .milliseconds(300))

        let started = ContinuousClock.now
        let error = await Self.failure(of: HTTPRequest(url: server.url("/"), timeout: nil), client: client)
        let elapsed = ContinuousClock.now - started

        let timeout = try #require(error)
        #expect(Self.kind(of: timeout) == .timeout)
        #expect(elapsed >= .milliseconds(300))
        // Without the connect timeout libcurl would wait 300 s; the bound is generous on purpose.
        #expect(elapsed < .seconds(30))
    }

    @Test(arguments: ["/reset", "/hang-up"])
    func peerDroppingTheConnectionIsConnectionReset(path: String) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }

        let error = await Self.failure(of: HTTPRequest(url: server.url(path)))

        let reset = try #require(error)
        #expect(Self.kind(of: reset) == .connectionReset)
    }

    @Test func resetBeforeTheHeadFailsTheStreamCall() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        do {
            let response = try await client.stream(HTTPRequest(url: server.url("/reset")))
            Issue.record("expected stream to fail, got status \(response.status)")
        } catch {
            #expect(Self.kind(of: error) == .connectionReset)
        }
    }

    @Test func resetMidBodyDeliversTheLinesThenFailsTheSequence() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let client = CurlHTTPClient()

        let response = try await client.stream(HTTPRequest(url: server.url("/lines-then-reset")))
        var lines: [String] = []
        var failure: (any Error)?
        do {
            for try await line in response.lines { lines.append(String(decoding: line, as: UTF8.self)) }
        } catch {
            failure = error
        }

        #expect(lines == ["one", "two", "three"])
        let error = try #require(failure as? HTTPTransportError)
        #expect(Self.kind(of: error) == .connectionReset)
    }

    @Test(arguments: [
        (HTTPRequest(url: URL(string: "ftp://127.0.0.1/file")!), "scheme"),
        (HTTPRequest(method: "GET\r\nX: y", url: URL(string: "http://127.0.0.1:1/")!), "method"),
        (HTTPRequest(url: URL(string: "http://127.0.0.1:1/")!, headers: ["Bad Name": "v"]), "header name"),
        (HTTPRequest(url: URL(string: "http://127.0.0.1:1/")!, headers: ["X-Injected": "a\r\nEvil: 1"]), "X-Injected"),
        (HTTPRequest(url: URL(string: "http://127.0.0.1:1/")!, timeout: .zero), "timeout"),
        (HTTPRequest(method: "HEAD", url: URL(string: "http://127.0.0.1:1/")!, body: Data("x".utf8)), "HEAD"),
    ])
    func malformedRequestsAreInvalidRequestsNamingTheProblem(request: HTTPRequest, mentions: String) async throws {
        let error = try #require(await Self.failure(of: request))

        guard case .invalidRequest(let message) = error else {
            Issue.record("expected .invalidRequest, got \(error)")
            return
        }
        #expect(message.contains(mentions))
    }

    /// A loopback port that was free a moment ago and has no listener now.
    static func portWithNothingListening() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw FixtureError(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
