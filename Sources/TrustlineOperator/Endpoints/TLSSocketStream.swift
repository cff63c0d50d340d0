import COpenSSLTLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection's bytes through TLS (the system libssl), on the non-blocking socket of one
/// accepted connection: every OpenSSL call that wants the socket readable or writable waits
/// through the same `SocketWaiter` as plain connections, so deadlines and the stop pipe hold.
/// Used by one connection thread only, from `handshake` to `deinit`.
final class TLSSocketStream: ConnectionStream {
    /// How a handshake ended when it did not give a stream.
    enum HandshakeFailure: Error, Equatable {
        /// The client spoke plain HTTP to the TLS port; it has been answered 400 in plain text.
        case plainHTTP
        /// Timed out, stopped, or refused by TLS (no shared protocol, a bad record): closed.
        case failed
    }

    private let connection: OpaquePointer
    let waiter: SocketWaiter
    /// Keeps the certificate the connection was accepted with alive as long as the connection.
    private let context: TLSServerContext

    private init(connection: OpaquePointer, waiter: SocketWaiter, context: TLSServerContext) {
        self.connection = connection
        self.waiter = waiter
        self.context = context
    }

    deinit {
        SSL_free(connection)
    }

    /// Performs the server side of the handshake before `deadline`. A first byte that is not a
    /// TLS handshake record means a plain HTTP client: it gets a plain 400 saying to use https,
    /// as Go's servers answer, instead of a reset.
    static func handshake(
        waiter: SocketWaiter, context: TLSServerContext, until deadline: ContinuousClock.Instant
    ) -> Result<TLSSocketStream, HandshakeFailure> {
        blockBrokenPipeSignal()
        guard waiter.wait(for: Int16(POLLIN), until: deadline) == .ready else { return .failure(.failed) }
        var first: UInt8 = 0
        let peeked = recv(waiter.descriptor, &first, 1, Int32(MSG_PEEK))
        guard peeked == 1 else { return .failure(.failed) }
        guard first == 0x16 else {
            let plain = PlainSocketStream(waiter: waiter)
            let answer = EndpointResponse(status: 400, body: "client sent an HTTP request to an HTTPS server; use https://\n")
            if plain.write(answer.serialized(includeBody: true), until: deadline) {
                plain.finish(lingeringUntil: ContinuousClock.now.advanced(by: .milliseconds(200)), maximumBytes: 64 * 1024)
            }
            return .failure(.plainHTTP)
        }
        guard let connection = tl_tls_connection(context.context, waiter.descriptor) else { return .failure(.failed) }
        let stream = TLSSocketStream(connection: connection, waiter: waiter, context: context)
        while true {
            let result = SSL_do_handshake(connection)
            if result == 1 { return .success(stream) }
            guard stream.waitForProgress(result, until: deadline) else { return .failure(.failed) }
        }
    }

    func read(into buffer: inout [UInt8], maximum: Int, until deadline: ContinuousClock.Instant) -> StreamRead {
        var chunk = [UInt8](repeating: 0, count: max(1, min(maximum, 16 * 1024)))
        while true {
            var count = 0
            let result = chunk.withUnsafeMutableBytes { SSL_read_ex(connection, $0.baseAddress, $0.count, &count) }
            if result == 1 {
                buffer += chunk[..<count]
                return .received(count)
            }
            switch tl_tls_progress(connection, result) {
            case 3: return .ended
            case 1: guard waiter.wait(for: Int16(POLLIN), until: deadline) == .ready else { return .gaveUp }
            case 2: guard waiter.wait(for: Int16(POLLOUT), until: deadline) == .ready else { return .gaveUp }
            default: return .gaveUp
            }
        }
    }

    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            let result = bytes.withUnsafeBytes { buffer in
                SSL_write_ex(connection, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, &written)
            }
            if result == 1 {
                offset += written
                continue
            }
            guard waitForProgress(result, until: deadline) else { return false }
        }
        return true
    }

    func finish(lingeringUntil deadline: ContinuousClock.Instant, maximumBytes: Int) {
        // close_notify, best effort: the peer's own close_notify is not waited for.
        if SSL_shutdown(connection) < 0 { _ = tl_tls_progress(connection, -1) }
        PlainSocketStream(waiter: waiter).finish(lingeringUntil: deadline, maximumBytes: maximumBytes)
    }

    /// Waits for what the failed call `result` needs; false when it cannot go on.
    private func waitForProgress(_ result: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        switch tl_tls_progress(connection, result) {
        case 1: waiter.wait(for: Int16(POLLIN), until: deadline) == .ready
        case 2: waiter.wait(for: Int16(POLLOUT), until: deadline) == .ready
        default: false
        }
    }

    /// libssl writes with `write(2)`, which raises SIGPIPE when the peer has gone, and SIGPIPE
    /// ends the process. Blocked on this connection's own thread only, it leaves `write`
    /// failing with EPIPE instead, and the pending signal ends with the thread.
    private static func blockBrokenPipeSignal() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
