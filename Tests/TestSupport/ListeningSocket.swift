import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket listening on a loopback port that never accepts: it holds the port, so tests can
/// make a server that is told to use it fail to bind (the race `MotoServerProcess` retries around).
/// Closed by `close()` or when released.
public final class ListeningSocket: Sendable {
    public let port: Int
    private let descriptor: Mutex<Int32?>

    /// Listens on 127.0.0.1:`port`; port 0 lets the kernel choose a free one.
    public init(port: Int = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("socket() failed: \(String(cString: strerror(errno)))") }
        var address = LoopbackAddress.make(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            closeDescriptor(descriptor)
            throw TestSetupError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = Mutex(descriptor)
    }

    deinit { close() }

    /// Releases the port.
    public func close() {
        let open = descriptor.withLock { current in
            defer { current = nil }
            return current
        }
        if let open { closeDescriptor(open) }
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
