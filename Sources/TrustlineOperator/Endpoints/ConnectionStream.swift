#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one accepted connection, plain or TLS, as `EndpointConnection` reads and writes
/// them: every call is bounded by a deadline and gives up as soon as the server stops, so the
/// connection handling (deadlines, caps, stop pipe) is the same for both.
protocol ConnectionStream {
    /// Reads at most `maximum` bytes into `buffer` (appending); `.ended` when the peer closed.
    func read(into buffer: inout [UInt8], maximum: Int, until deadline: ContinuousClock.Instant) -> StreamRead
    /// Writes all of `bytes`; false when the peer went away, stalled past `deadline` or the server is stopping.
    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool
    /// After the answer: says the connection is over (TLS close_notify, TCP half-close) and
    /// discards what the client still sends for a short while, so closing with unread request
    /// bytes does not reset the connection before the client has read the answer.
    func finish(lingeringUntil deadline: ContinuousClock.Instant, maximumBytes: Int)
}

/// What one `ConnectionStream.read` ended with.
enum StreamRead: Equatable {
    case received(Int)
    case ended
    /// Deadline passed, server stopping, or the connection failed: stop serving it.
    case gaveUp
}

/// Waits on a connected socket and the server's stop pipe with `poll`, up to a deadline.
struct SocketWaiter: Sendable {
    /// What one wait ended with.
    enum Readiness {
        case ready, timedOut, stopping, failed
    }

    let descriptor: Int32
    /// Read end of the server's stop pipe: readable once the server stops.
    let stopSignal: Int32

    func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Readiness {
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
}
