#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an HTTP endpoint could not start or keep serving; names the address so the operator's
/// exit message says which flag to fix.
public struct EndpointHTTPServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// A bound, listening TCP socket (close-on-exec, SO_REUSEADDR) for one endpoint. Exists so the
/// endpoints need no HTTP framework: bind, listen and accept are all they ask of the network.
/// The owner closes `descriptor` (`EndpointHTTPServer` does when its accept loop ends).
struct ListeningSocket: Sendable {
    let descriptor: Int32
    /// The port actually bound (the system's pick when 0 was asked for).
    let port: Int

    /// Binds `host:port`; `host` is an IPv4 or IPv6 literal or a name (the first address that
    /// binds wins), empty or `0.0.0.0` for every IPv4 interface. `name` labels errors.
    init(name: String, host: String, port: Int, backlog: Int32 = 64) throws(EndpointHTTPServerError) {
        let bindHost = host.isEmpty ? "0.0.0.0" : host
        let shown = bindHost.contains(":") ? "[\(bindHost)]:\(port)" : "\(bindHost):\(port)"
        guard (0...65535).contains(port) else {
            throw EndpointHTTPServerError(description: "\(name) endpoint: port \(port) of \(shown) is outside 0...65535")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Self.streamType
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bindHost, String(port), &hints, &found)
        guard status == 0, let first = found else {
            let reason = String(cString: gai_strerror(status))
            throw EndpointHTTPServerError(description: "\(name) endpoint cannot listen on \(shown): cannot resolve host \"\(bindHost)\": \(reason)")
        }
        defer { freeaddrinfo(first) }
        var lastFailure = "no usable address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            switch Self.bindAndListen(info.pointee, backlog: backlog) {
            case .success(let bound):
                descriptor = bound.descriptor
                self.port = bound.port
                return
            case .failure(let reason):
                lastFailure = reason.description
            }
        }
        throw EndpointHTTPServerError(description: "\(name) endpoint cannot listen on \(shown): \(lastFailure)")
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let closeOnExecFlag = Int32(SOCK_CLOEXEC.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    private static let closeOnExecFlag: Int32 = 0
    #endif

    private static func bindAndListen(_ info: addrinfo, backlog: Int32) -> Result<(descriptor: Int32, port: Int), SystemFailure> {
        let descriptor = socket(info.ai_family, streamType | closeOnExecFlag, 0)
        guard descriptor >= 0 else { return .failure(SystemFailure("socket")) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var on: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.ai_addr, info.ai_addrlen) == 0 else {
            let failure = SystemFailure("bind")
            _ = close(descriptor)
            return .failure(failure)
        }
        guard listen(descriptor, backlog) == 0 else {
            let failure = SystemFailure("listen")
            _ = close(descriptor)
            return .failure(failure)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let failure = SystemFailure("getsockname")
            _ = close(descriptor)
            return .failure(failure)
        }
        let networkPort: UInt16 =
            switch Int32(storage.ss_family) {
            case AF_INET6: withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port } }
            default: withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port } }
            }
        return .success((descriptor, Int(UInt16(bigEndian: networkPort))))
    }
}

/// A failed system call and its `errno`, as text (`bind: Address already in use`).
struct SystemFailure: Error, CustomStringConvertible {
    var description: String

    init(_ call: String, errorNumber: Int32 = errno) {
        description = "\(call): \(String(cString: strerror(errorNumber)))"
    }
}
