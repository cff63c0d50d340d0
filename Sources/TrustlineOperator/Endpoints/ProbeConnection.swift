#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One accepted connection of `ProbeHTTPServer`, served on its own thread: read the head within
/// a deadline and a size cap, answer once, close. Blocking calls always go through `poll` on the
/// socket and the server's stop pipe, so a stalled client costs one thread for at most the
/// deadline and never delays shutdown.
struct ProbeConnection: Sendable {
    /// The accepted socket; closed by `serve()`.
    let descriptor: Int32
    /// Read end of the server's stop pipe: readable once the server stops.
    let stopSignal: Int32
    let routes: ProbeRoutes
    let limits: ProbeHTTPServer.Limits

    /// What reading the head ended with.
    private enum HeadOutcome {
        case head([UInt8])
        case tooLarge
        case gaveUp
    }

    /// What one wait ended with.
    private enum Readiness {
        case ready, timedOut, stopping, failed
    }

    func serve() {
        defer { _ = close(descriptor) }
        let deadline = ContinuousClock.now.advanced(by: limits.headTimeout)
        let response: ProbeResponse
        var includeBody = true
        switch readHead(until: deadline) {
        case .gaveUp:
            return
        case .tooLarge:
            response = ProbeResponse(status: 431, body: "request head larger than \(limits.maximumHeadBytes) bytes\n")
        case .head(let bytes):
            do {
                let head = try HTTPRequestHead(parsing: bytes)
                response = routes.response(to: head)
                includeBody = head.method != "HEAD"
            } catch {
                response = ProbeResponse(status: 400, body: "bad request: \(error)\n")
            }
        }
        let writeDeadline = ContinuousClock.now.advanced(by: limits.writeTimeout)
        guard write(response.serialized(includeBody: includeBody), until: writeDeadline) else { return }
        lingerAfterResponse()
    }

    /// Reads until the empty line ending the head; a head past `maximumHeadBytes` is refused.
    private func readHead(until deadline: ContinuousClock.Instant) -> HeadOutcome {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while true {
            guard wait(for: Int16(POLLIN), until: deadline) == .ready else { return .gaveUp }
            let wanted = min(chunk.count, limits.maximumHeadBytes + 1 - received.count)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, wanted, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return .gaveUp }
            received += chunk[..<count]
            if let end = HTTPRequestHead.endOfHead(in: received) {
                return end <= limits.maximumHeadBytes ? .head(Array(received[..<end])) : .tooLarge
            }
            if received.count > limits.maximumHeadBytes { return .tooLarge }
        }
    }

    /// Writes all of `bytes`; false when the client went away, stalled past the deadline or the
    /// server is stopping. MSG_NOSIGNAL: a closed peer is an error here, not a SIGPIPE.
    private func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard wait(for: Int16(POLLOUT), until: deadline) == .ready else { return false }
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, Self.noSignal | Int32(MSG_DONTWAIT))
            }
            if written < 0, errno == EINTR || errno == EAGAIN { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// After answering, half-closes and reads (discards) what the client still sends for a short
    /// while, so closing with unread request bytes does not reset the connection before the
    /// client has read the answer (a 431 stops reading mid-request).
    private func lingerAfterResponse() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
        let deadline = ContinuousClock.now.advanced(by: limits.lingerTimeout)
        var discard = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while total < limits.maximumLingerBytes, wait(for: Int16(POLLIN), until: deadline) == .ready {
            let count = discard.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return }
            total += count
        }
    }

    /// Polls the socket for `events` and the stop pipe, up to `deadline`.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Readiness {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return .timedOut }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptors = [pollfd(fd: descriptor, events: events, revents: 0), pollfd(fd: stopSignal, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if ready == 0 { continue }
            if descriptors[1].revents != 0 { return .stopping }
            if descriptors[0].revents & (events | Int16(POLLHUP) | Int16(POLLERR)) != 0 { return .ready }
            if descriptors[0].revents != 0 { return .failed }
        }
    }

    #if canImport(Glibc)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif
}
