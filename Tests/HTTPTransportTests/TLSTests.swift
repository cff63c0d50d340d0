import Foundation
import HTTPTransport
import Testing

@Suite("CurlHTTPClient over TLS")
struct TLSTests {
    enum MaterialSource: String, CaseIterable {
        case file, memory
    }

    private static func source(_ name: String, _ kind: MaterialSource, in pki: TestCertificates) throws -> TLSConfiguration.Source {
        switch kind {
        case .file: .file(pki.path(name))
        case .memory: .pem(try pki.pem(name))
        }
    }

    @Test(arguments: MaterialSource.allCases)
    func trustsTheGeneratedCertificateAuthority(from kind: MaterialSource) async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments)
        defer { server.stop() }
        let client = CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: try Self.source("ca.pem", kind, in: pki)))

        let response = try await client.send(HTTPRequest(url: server.url("/hello")))

        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        #expect(response.httpVersion == "HTTP/1.1")
    }

    @Test(arguments: MaterialSource.allCases)
    func mutualTLSWithClientCertificateAndKey(from kind: MaterialSource) async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments + ["--client-ca", pki.path("ca.pem")])
        defer { server.stop() }
        let client = CurlHTTPClient(
            tls: TLSConfiguration(
                certificateAuthority: .pem(try pki.pem("ca.pem")),
                clientCertificate: try Self.source("client.pem", kind, in: pki),
                clientKey: try Self.source("client-key.pem", kind, in: pki)
            )
        )

        let first = try await client.send(HTTPRequest(url: server.url("/hello")))
        let second = try await client.send(HTTPRequest(url: server.url("/connections")))

        #expect(first.status == 200)
        #expect(String(decoding: first.body, as: UTF8.self) == "hello")
        #expect(String(decoding: second.body, as: UTF8.self) == #"{"connections": 1}"#)
    }

    @Test func mutualTLSWithoutClientCertificateFailsAsTLS() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments + ["--client-ca", pki.path("ca.pem")])
        defer { server.stop() }
        let client = CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: .pem(try pki.pem("ca.pem"))))

        let error = await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(url: server.url("/hello")))
        }

        guard case .tls(let message) = error else {
            Issue.record("expected .tls, got \(String(describing: error))")
            return
        }
        #expect(message.contains("127.0.0.1"))
    }

    @Test(arguments: [
        ("system trust store", nil),
        ("an unrelated CA", "other-ca.pem"),
    ] as [(String, String?)])
    func serverCertificateFromAnUnknownCAFailsAsTLS(trusting label: String, caFile: String?) async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments)
        defer { server.stop() }
        let tls = TLSConfiguration(certificateAuthority: try caFile.map { .pem(try pki.pem($0)) })
        let client = CurlHTTPClient(tls: tls)

        let error = await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(url: server.url("/hello")))
        }

        guard case .tls = error else {
            Issue.record("trusting \(label): expected .tls, got \(String(describing: error))")
            return
        }
    }

    @Test func insecureSkipVerifyAcceptsAnUnknownCA() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments)
        defer { server.stop() }
        let client = CurlHTTPClient(tls: TLSConfiguration(insecureSkipVerify: true))

        let response = try await client.send(HTTPRequest(url: server.url("/hello", host: "localhost")))

        #expect(response.status == 200)
    }

    @Test func hostNameMustMatchTheCertificate() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start([
            "--tls-cert", pki.path("server-localhost-only.pem"), "--tls-key", pki.path("server-localhost-only-key.pem"),
        ])
        defer { server.stop() }
        let client = CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: .file(pki.path("ca.pem"))))

        let matching = try await client.send(HTTPRequest(url: server.url("/hello", host: "localhost")))
        let error = await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(url: server.url("/hello", host: "127.0.0.1")))
        }

        #expect(matching.status == 200)
        guard case .tls = error else {
            Issue.record("expected .tls for a name the certificate does not carry, got \(String(describing: error))")
            return
        }
    }

    @Test func negotiatesHTTP2WhenTheServerOffersItAndMultiplexesOneConnection() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let server = try await TestServer.start(pki.serverArguments + ["--alpn-h2"])
        defer { server.stop() }
        let client = CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: .pem(try pki.pem("ca.pem"))))
        let url = server.url("/hello")

        let response = try await client.send(HTTPRequest(url: url))
        let streamed = try await client.stream(HTTPRequest(url: url))
        var lines: [String] = []
        for try await line in streamed.lines { lines.append(String(decoding: line, as: UTF8.self)) }
        let concurrentBodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<5 {
                group.addTask { String(decoding: try await client.send(HTTPRequest(url: url)).body, as: UTF8.self) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(response.httpVersion == "HTTP/2")
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "h2 hello, connections 1")
        #expect(streamed.httpVersion == "HTTP/2")
        #expect(lines == ["h2 hello, connections 1"])
        #expect(concurrentBodies == Array(repeating: "h2 hello, connections 1", count: 5))
    }

    @Test(arguments: [
        (TLSConfiguration(certificateAuthority: .pem(Data("not a certificate".utf8))), "certificateAuthority"),
        (TLSConfiguration(certificateAuthority: .file("")), "certificateAuthority"),
        (TLSConfiguration(certificateAuthority: .file("/nonexistent/ca.pem")), "certificateAuthority"),
        (TLSConfiguration(clientCertificate: .file("/nonexistent/client.pem"), clientKey: .file("/nonexistent/key.pem")), "clientCertificate"),
        (TLSConfiguration(clientKey: .pem(Data("-----BEGIN PRIVATE KEY-----".utf8))), "clientKey"),
    ])
    func badTLSMaterialIsAnInvalidRequestNamingTheField(tls: TLSConfiguration, field: String) async throws {
        let client = CurlHTTPClient(tls: tls)

        let error = await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(url: URL(string: "https://127.0.0.1:1/")!))
        }

        guard case .invalidRequest(let message) = error else {
            Issue.record("expected .invalidRequest, got \(String(describing: error))")
            return
        }
        #expect(message.contains(field))
    }
}
