import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to a loopback endpoint, for requests libcurl refuses to send
/// (malformed request lines, oversized heads) and for clients that connect and stay silent.
/// Its blocking calls run on a thread of their own, never on the Swift concurrency pool.
final class RawHTTPConnection: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Status, header fields (names lowercased) and body of a raw answer.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    let descriptor: Int32

    /// Connects to 127.0.0.1:`port` (or ::1 when `ipv6`); reads and writes time out after `timeout`.
    init(port: Int, ipv6: Bool = false, timeout: Duration = .seconds(60)) throws {
        let family = ipv6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = in6addr_loopback
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard connected == 0 else {
            let failure = Failure(description: "connect to port \(port): errno \(errno)")
            _ = close(descriptor)
            throw failure
        }
        self.descriptor = descriptor
    }

    deinit {
        _ = close(descriptor)
    }

    /// Sends `request` and reads the answer until the server closes.
    func exchange(_ request: [UInt8]) async throws -> Answer {
        try await Self.offThePool { [self] in
            try sendAll(request)
            return try Self.parse(readToEnd())
        }
    }

    /// Sends `request` (plain text, lines as written) and reads the answer until the server closes.
    func exchange(_ request: String) async throws -> Answer {
        try await exchange(Array(request.utf8))
    }

    /// Sends `bytes` and returns whatever arrives until the server closes, unparsed.
    func sendThenReadUntilClosed(_ bytes: [UInt8]) async throws -> [UInt8] {
        try await Self.offThePool { [self] in
            try sendAll(bytes)
            return try readToEnd()
        }
    }

    /// Reads until the server closes and returns what arrived (blocking up to the read timeout).
    func readUntilClosed() async throws -> [UInt8] {
        try await Self.offThePool { [self] in try readToEnd() }
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno) after \(offset) of \(bytes.count) bytes") }
            offset += sent
        }
    }

    private func readToEnd() throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return received }
            guard count > 0 else { throw Failure(description: "recv: errno \(errno) after \(received.count) bytes") }
            received += chunk[..<count]
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> Answer {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no complete response head in \(text.debugDescription)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(lines[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "bad header line \(line.debugDescription)") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Runs blocking socket work on a new thread and awaits its result.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
