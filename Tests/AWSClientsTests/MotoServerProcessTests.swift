import Foundation
import HTTPTransport
import TestSupport
import Testing

/// TestSupport's moto launcher: a port taken between picking and binding it must not fail the
/// suite (the flaky "Address already in use" CI failure), and a missing moto_server says how to
/// install it. Each test starts and stops its own moto processes.
@Suite("MotoServerProcess")
struct MotoServerProcessTests {
    @Test("a port held by a listening socket: moto is started again on another port")
    func retriesWhenPortHeldBySocket() async throws {
        let held = try ListeningSocket()
        defer { held.close() }
        let moto = try await startTrying(first: held.port)
        try await withTeardown {
            // The held port is refused first. A free port picked after it can be taken too by the
            // servers of parallel tests; the launcher retries that the same way.
            #expect(moto.portsInUse.first == held.port)
            #expect(!moto.portsInUse.contains(moto.port))
            #expect(moto.port != held.port)
            try await expectAnswers(moto)
        } teardown: {
            await moto.stop()
        }
    }

    @Test("a port taken by another moto: the launcher does not mistake that moto for its own")
    func retriesWhenPortHeldByAnotherMoto() async throws {
        let first = try await MotoServerProcess.start()
        try await withTeardown {
            let second = try await startTrying(first: first.port)
            try await withTeardown {
                #expect(second.portsInUse.first == first.port)
                #expect(!second.portsInUse.contains(second.port))
                #expect(second.port != first.port)
                #expect(second.process.isRunning)
                try await expectAnswers(second)
                try await expectAnswers(first)
            } teardown: {
                await second.stop()
            }
        } teardown: {
            await first.stop()
        }
    }

    @Test("every port in use: a clear error after the given number of attempts")
    func givesUpAfterAttempts() async throws {
        let held = try ListeningSocket()
        defer { held.close() }
        let error = try await #require(throws: TestSetupError.self) {
            _ = try await MotoServerProcess.start(attempts: 2, pickPort: { held.port })
        }
        #expect(error.description.contains("could not bind a free port in 2 attempts"), "\(error)")
        #expect(error.description.contains("\(held.port), \(held.port)"), "\(error)")
    }

    @Test("moto_server not installed: the error says how to install it")
    func missingMotoServer() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-tools-\(UUID().uuidString)").path
        let error = try await #require(throws: TestSetupError.self) {
            _ = try await MotoServerProcess.start(searchPath: empty)
        }
        #expect(error.description.contains("moto_server is not installed"), "\(error)")
        #expect(error.description.contains("pip install 'moto[server]'"), "\(error)")
    }

    @Test("stop ends moto: the port no longer answers")
    func stopEndsMoto() async throws {
        let moto = try await MotoServerProcess.start()
        try await expectAnswers(moto)
        await moto.stop()
        #expect(!moto.process.isRunning)
        let probe = try #require(URL(string: "/moto-api/", relativeTo: moto.baseURL)?.absoluteURL)
        await #expect(throws: HTTPTransportError.self) {
            _ = try await moto.httpClient.send(HTTPRequest(url: probe, timeout: .seconds(2)))
        }
    }

    /// Starts moto with `port` as the first port tried, then free ones.
    private func startTrying(first port: Int) async throws -> MotoServerProcess {
        var ports = [port]
        return try await MotoServerProcess.start(pickPort: { ports.isEmpty ? try FreePort.pick() : ports.removeFirst() })
    }

    private func expectAnswers(_ moto: MotoServerProcess) async throws {
        let probe = try #require(URL(string: "/moto-api/", relativeTo: moto.baseURL)?.absoluteURL)
        let response = try await moto.httpClient.send(HTTPRequest(url: probe, timeout: .seconds(5)))
        #expect(response.status == 200)
    }
}
