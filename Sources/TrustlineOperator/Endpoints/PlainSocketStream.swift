#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection's bytes as they come on the TCP socket: the probe and metrics endpoints.
struct PlainSocketStream: ConnectionStream {
    let waiter: SocketWaiter

    private var descriptor: Int32 { waiter.descriptor }

    func read(into buffer: inout [UInt8], maximum: Int, until deadline: ContinuousClock.Instant) -> StreamRead {
        var chunk = [UInt8](repeating: 0, count: max(1, min(maximum, 16 * 1024)))
        while true {
            guard waiter.wait(for: Int16(POLLIN), until: deadline) == .ready else { return .gaveUp }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return count == 0 ? .ended : .gaveUp }
            buffer += chunk[..<count]
            return .received(count)
        }
    }

    /// MSG_NOSIGNAL: a closed peer is an error here, not a SIGPIPE.
    func write(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard waiter.wait(for: Int16(POLLOUT), until: deadline) == .ready else { return false }
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, PlainSocketStream.noSignal | Int32(MSG_DONTWAIT))
            }
            if written < 0, errno == EINTR || errno == EAGAIN { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    func finish(lingeringUntil deadline: ContinuousClock.Instant, maximumBytes: Int) {
        _ = shutdown(descriptor, Int32(SHUT_WR))
        var discarded: [UInt8] = []
        var total = 0
        while total < maximumBytes, case .received(let count) = read(into: &discarded, maximum: 4096, until: deadline) {
            total += count
            discarded.removeAll(keepingCapacity: true)
        }
    }

    #if canImport(Glibc)
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let noSignal: Int32 = 0
    #endif
}
