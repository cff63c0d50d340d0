import AWSClients
import Foundation
import HTTPTransport
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's own moto_server on a free loopback port (the test fixture lives in the test
/// target, which an executable cannot import).
final class BenchMoto {
    let process: Process
    let endpoint: AWSEndpoint

    private init(process: Process, endpoint: AWSEndpoint) {
        self.process = process
        self.endpoint = endpoint
    }

    static func start() async throws -> BenchMoto {
        guard let moto = BenchProcess.find("moto_server") else {
            throw BenchError.setup("moto_server is not on PATH; install it with: pip install 'moto[server]'")
        }
        let port = try freePort()
        guard let url = URL(string: "http://127.0.0.1:\(port)") else { throw BenchError.setup("bad port") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: moto)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = BenchMoto(process: process, endpoint: AWSEndpoint(url: url, signingRegion: "us-east-1"))
        let client = CurlHTTPClient(tls: .system)
        guard let probe = URL(string: "http://127.0.0.1:\(port)/moto-api/") else { throw BenchError.setup("bad URL") }
        for _ in 0..<300 {
            if let response = try? await client.send(HTTPRequest(url: probe, timeout: .seconds(2))), response.status == 200 {
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw BenchError.setup("moto_server did not answer on port \(port) within 30 s")
    }

    /// SIGTERM, then SIGKILL if moto has not exited after 5 s (werkzeug can linger on open connections).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError.setup("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw BenchError.setup("could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Finds tools on PATH.
enum BenchProcess {
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
