import Foundation
import HTTPTransport
import Logging
import Testing
import TestSupport
@testable import TrustlineOperator

/// The endpoint server over TLS from the system libssl, against the project's libcurl client
/// trusting a CA made for the test: round trips with bodies, certificate rotation the way
/// cert-manager's Secret volume does it (a `..data` symlink swap), a broken new pair, plain HTTP
/// on the TLS port, oversized bodies and stalled clients.
@Suite(.serialized) struct TLSEndpointTests {
    /// Routes of the test endpoint: the health routes and `POST /echo`, which answers the body.
    static func routes() -> EndpointRoutes {
        var routes = HTTPEndpoints.healthRoutes(OperatorHealth())
        routes.postHandlers["/echo"] = { request in
            EndpointResponse(status: 200, contentType: "application/octet-stream", bytes: request.body)
        }
        return routes
    }

    /// A cert-dir laid out as a mounted Secret: `tls.crt` and `tls.key` are symlinks through `..data`.
    struct SecretVolume {
        let directory: String
        private(set) var generation = 0

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-certdir-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        /// Issues a pair from `authority` into a new timestamped directory and swaps `..data` to it.
        mutating func rotate(to authority: TestCertificateAuthority) async throws {
            generation += 1
            let data = "..2026_generation_\(generation)"
            try await authority.issueServerPair(into: "\(directory)/\(data)")
            try swap(to: data)
        }

        /// Points `..data` at `data` atomically (a new symlink renamed over the old one).
        func swap(to data: String) throws {
            let fresh = "\(directory)/..data_tmp"
            try? FileManager.default.removeItem(atPath: fresh)
            try FileManager.default.createSymbolicLink(atPath: fresh, withDestinationPath: data)
            guard rename(fresh, "\(directory)/..data") == 0 else { throw TestSetupError("rename ..data: errno \(errno)") }
            for file in ["tls.crt", "tls.key"] where !FileManager.default.fileExists(atPath: "\(directory)/\(file)") {
                try FileManager.default.createSymbolicLink(atPath: "\(directory)/\(file)", withDestinationPath: "..data/\(file)")
            }
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// A CA and a Secret volume holding a pair it issued, for the length of `body`.
    static func withIssuedPair(_ body: (TestCertificateAuthority, SecretVolume) async throws -> Void) async throws {
        let authority = try await TestCertificateAuthority()
        defer { authority.remove() }
        var volume = try SecretVolume()
        defer { volume.remove() }
        try await volume.rotate(to: authority)
        try await body(authority, volume)
    }

    static func client(trusting authority: TestCertificateAuthority) -> CurlHTTPClient {
        CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: .pem(authority.certificatePEM)), connectTimeout: .seconds(5))
    }

    static func serve<Result: Sendable>(
        certDir: String, limits: EndpointHTTPServer.Limits = EndpointHTTPServer.Limits(), logs: LogLines = LogLines(),
        _ body: (_ base: URL) async throws -> Result
    ) async throws -> Result {
        let certificate = try ServingCertificate(directory: certDir, checkInterval: .milliseconds(200), logger: logs.logger(format: .logfmt))
        return try await RunningEndpoint.with({
            EndpointHTTPService(name: "webhook", host: "127.0.0.1", port: 0, routes: routes(), limits: limits, security: .tls(certificate), logger: $0)
        }) { base in
            let port = try #require(base.port)
            return try await body(try #require(URL(string: "https://127.0.0.1:\(port)")))
        }
    }

    @Test func servesGetAndPostWithABodyOverTLS() async throws {
        try await Self.withIssuedPair { authority, volume in
            try await Self.serve(certDir: volume.directory) { base in
                let client = Self.client(trusting: authority)
                let health = try await client.send(HTTPRequest(url: base.appending(path: "/healthz"), timeout: .seconds(30)))
                #expect(health.status == 200)
                #expect(String(decoding: health.body, as: UTF8.self) == "ok\n")
                let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                let echoed = try await client.send(
                    HTTPRequest(method: "POST", url: base.appending(path: "/echo"), headers: ["Content-Type": "application/octet-stream"], body: payload, timeout: .seconds(30)))
                #expect(echoed.status == 200)
                #expect(echoed.body == payload)
                let wrongMethod = try await client.send(HTTPRequest(url: base.appending(path: "/echo"), timeout: .seconds(30)))
                #expect(wrongMethod.status == 405)
                #expect(wrongMethod.headers["Allow"] == "POST")
            }
        }
    }

    @Test func aRotatedPairIsServedToNewConnectionsAndABrokenOneKeepsTheLast() async throws {
        let first = try await TestCertificateAuthority()
        let second = try await TestCertificateAuthority()
        defer {
            first.remove()
            second.remove()
        }
        var volume = try SecretVolume()
        defer { volume.remove() }
        try await volume.rotate(to: first)
        let logs = LogLines()
        try await Self.serve(certDir: volume.directory, logs: logs) { base in
            let url = base.appending(path: "/healthz")
            #expect(try await Self.client(trusting: first).send(HTTPRequest(url: url, timeout: .seconds(30))).status == 200)
            await #expect(throws: HTTPTransportError.self) { try await Self.client(trusting: second).send(HTTPRequest(url: url, timeout: .seconds(30))) }

            try await volume.rotate(to: second)
            #expect(try await Self.eventuallyServes(url, trusting: second), "the rotated certificate was not served within 10 s")
            await #expect(throws: HTTPTransportError.self) { try await Self.client(trusting: first).send(HTTPRequest(url: url, timeout: .seconds(30))) }

            // A new pair whose key does not belong to its certificate: refused, the last one stays.
            let broken = "..2026_broken"
            try await second.issueServerPair(into: "\(volume.directory)/\(broken)")
            let stranger = "\(volume.directory)/stranger"
            try await second.issueServerPair(into: stranger)
            try FileManager.default.removeItem(atPath: "\(volume.directory)/\(broken)/tls.key")
            try FileManager.default.copyItem(atPath: "\(stranger)/tls.key", toPath: "\(volume.directory)/\(broken)/tls.key")
            try volume.swap(to: broken)
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while !logs.raw.contains(where: { $0.contains("does not load") }), ContinuousClock.now < deadline {
                _ = try? await Self.client(trusting: second).send(HTTPRequest(url: url, timeout: .seconds(30)))
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(logs.raw.contains { $0.contains("does not load") && $0.contains("still serving the previous one") })
            #expect(try await Self.client(trusting: second).send(HTTPRequest(url: url, timeout: .seconds(30))).status == 200)
        }
    }

    /// Retries `url` with a client trusting `authority` until it answers (the server looks at
    /// the files at most once per check interval).
    static func eventuallyServes(_ url: URL, trusting authority: TestCertificateAuthority) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            if let response = try? await client(trusting: authority).send(HTTPRequest(url: url, timeout: .seconds(30))), response.status == 200 {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func plainHTTPOnTheTLSPortGetsAPlain400() async throws {
        try await Self.withIssuedPair { authority, volume in
            try await Self.serve(certDir: volume.directory) { base in
                let answer = try await RawHTTPConnection(port: try #require(base.port)).exchange("GET /healthz HTTP/1.1\r\nHost: webhook\r\n\r\n")
                #expect(answer.status == 400)
                #expect(answer.body.contains("HTTPS"))
                // The server goes on serving TLS.
                #expect(try await Self.client(trusting: authority).send(HTTPRequest(url: base.appending(path: "/healthz"), timeout: .seconds(30))).status == 200)
            }
        }
    }

    @Test func anOversizedBodyGets413() async throws {
        try await Self.withIssuedPair { authority, volume in
            var limits = EndpointHTTPServer.Limits()
            limits.maximumBodyBytes = 64 * 1024
            try await Self.serve(certDir: volume.directory, limits: limits) { base in
                let client = Self.client(trusting: authority)
                let tooLarge = try await client.send(
                    HTTPRequest(method: "POST", url: base.appending(path: "/echo"), body: Data(repeating: 7, count: 64 * 1024 + 1), timeout: .seconds(30)))
                #expect(tooLarge.status == 413)
                #expect(String(decoding: tooLarge.body, as: UTF8.self).contains("larger than 65536 bytes"))
                let fits = try await client.send(
                    HTTPRequest(method: "POST", url: base.appending(path: "/echo"), body: Data(repeating: 7, count: 64 * 1024), timeout: .seconds(30)))
                #expect(fits.status == 200 && fits.body.count == 64 * 1024)
            }
        }
    }

    @Test func aStalledClientIsDisconnectedAtTheDeadline() async throws {
        try await Self.withIssuedPair { authority, volume in
            var limits = EndpointHTTPServer.Limits()
            limits.requestTimeout = .seconds(1)
            try await Self.serve(certDir: volume.directory, limits: limits) { base in
                let port = try #require(base.port)
                // Silent before the handshake.
                let started = ContinuousClock.now
                let silent = try RawHTTPConnection(port: port, timeout: .seconds(60))
                #expect(try await silent.readUntilClosed().isEmpty)
                // A TLS record header and then nothing: stalled mid-handshake.
                let stalled = try RawHTTPConnection(port: port, timeout: .seconds(60))
                #expect(try await stalled.sendThenReadUntilClosed([0x16, 0x03, 0x01, 0x00, 0x40]).isEmpty)
                #expect(ContinuousClock.now - started < .seconds(20), "the connections outlived the 1 s request deadline by far")
            }
        }
    }
}
