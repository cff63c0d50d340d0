import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Picks a free TCP port on 127.0.0.1 by binding port 0 and reading what the kernel chose, for
/// servers (moto_server, `trustline run`'s metrics) that cannot be told to use port 0 and report it.
/// The port is released before it is returned, so another process may take it first: callers that
/// start a server on it should retry with a new port when the bind fails (`MotoServer` does).
public enum FreePort {
    public static func pick() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = LoopbackAddress.make(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw TestSetupError("bind(127.0.0.1:0) failed: \(String(cString: strerror(errno)))") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw TestSetupError("getsockname() failed: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// `sockaddr_in` for 127.0.0.1, shared by `FreePort` and `ListeningSocket`.
enum LoopbackAddress {
    static func make(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
