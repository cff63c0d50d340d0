import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 server on POSIX sockets for the operator's probe and metrics endpoints and
/// the pod identity webhook (over TLS from the system libssl, `EndpointSecurity`): an accept
/// loop on a dedicated thread (never on the Swift concurrency pool) and a short-lived thread per
/// connection, capped, each answering one request and closing. It replaces an HTTP framework
/// (Hummingbird on SwiftNIO, about 5 MB of code that ended up resident) for a few routes.
final class EndpointHTTPServer: Sendable {
    /// Bounds that keep a slow, stalled or hostile client from holding the endpoint.
    struct Limits: Sendable {
        /// Time a client has to send the whole request: TLS handshake, head and body.
        var requestTimeout: Duration = .seconds(5)
        /// Time a client has to take the whole response.
        var writeTimeout: Duration = .seconds(5)
        /// Time spent discarding what a client still sends after its answer (see `EndpointConnection`).
        var lingerTimeout: Duration = .seconds(1)
        /// Larger heads get 431.
        var maximumHeadBytes = 8192
        /// Larger bodies get 413; 3 MiB, the API server's own limit on an admission request.
        var maximumBodyBytes = 3 * 1024 * 1024
        var maximumLingerBytes = 64 * 1024
        /// Connections served at once; more are answered 503 at once and closed.
        var maximumConnections = 16
    }

    let name: String
    let host: String
    let port: Int
    let routes: EndpointRoutes
    let limits: Limits
    let security: EndpointSecurity
    /// Written once by `stop()`, never drained: readable from then on for every poller.
    private let stopPipe: (read: Int32, write: Int32)
    /// Written once by `drain()`: ends the accept loop only, connections run to their end.
    private let drainPipe: (read: Int32, write: Int32)
    /// Whether the pipe's write end is still open; guards `stop()` against a closed descriptor.
    private let stopWriteEndOpen = Mutex(true)
    private let activeConnections = Atomic(0)
    private let connectionsRunning = DispatchGroup()

    init(
        name: String, host: String, port: Int, routes: EndpointRoutes, limits: Limits = Limits(), security: EndpointSecurity = .plain
    ) throws(EndpointHTTPServerError) {
        var descriptors: [Int32] = [-1, -1, -1, -1]
        guard pipe(&descriptors) == 0 else {
            throw EndpointHTTPServerError(description: "\(name) endpoint: cannot create its stop pipe: \(SystemFailure("pipe"))")
        }
        let drained = descriptors.withUnsafeMutableBufferPointer { pipe($0.baseAddress.map { $0 + 2 }) }
        guard drained == 0 else {
            let failure = SystemFailure("pipe")
            _ = close(descriptors[0])
            _ = close(descriptors[1])
            throw EndpointHTTPServerError(description: "\(name) endpoint: cannot create its drain pipe: \(failure)")
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        self.name = name
        self.host = host
        self.port = port
        self.routes = routes
        self.limits = limits
        self.security = security
        stopPipe = (descriptors[0], descriptors[1])
        drainPipe = (descriptors[2], descriptors[3])
    }

    /// Binds and serves on a new thread until `stop()`. `onListening` gets the bound port once
    /// listening; `onEnd` is called exactly once, after the listening socket is closed and every
    /// connection thread has ended, with the reason when binding or accepting failed.
    func start(onListening: @escaping @Sendable (Int) -> Void, onEnd: @escaping @Sendable (Result<Void, EndpointHTTPServerError>) -> Void) {
        let thread = Thread { [self] in
            onEnd(serve(onListening: onListening))
        }
        thread.name = "trustline-\(name)-http"
        thread.start()
    }

    /// Asks the server to stop: the accept loop ends and connections still reading or writing are
    /// dropped. Safe to call any number of times, from anywhere, also before `start` or after the end.
    func stop() {
        stopWriteEndOpen.withLock { open in
            guard open else { return }
            var byte: UInt8 = 1
            _ = write(stopPipe.write, &byte, 1)
        }
    }

    /// Asks the server to stop accepting while the connections it has run to their end (each
    /// bounded by its deadlines): a graceful shutdown that answers what was already asked.
    /// Safe to call any number of times; `stop()` afterwards still drops what is left.
    func drain() {
        stopWriteEndOpen.withLock { open in
            guard open else { return }
            var byte: UInt8 = 1
            _ = write(drainPipe.write, &byte, 1)
        }
    }

    /// The server thread's whole life; closes everything it opened before returning.
    private func serve(onListening: @Sendable (Int) -> Void) -> Result<Void, EndpointHTTPServerError> {
        defer { closeStopPipe() }
        let socket: ListeningSocket
        do {
            socket = try ListeningSocket(name: name, host: host, port: port)
        } catch {
            return .failure(error)
        }
        _ = fcntl(socket.descriptor, F_SETFL, fcntl(socket.descriptor, F_GETFL) | O_NONBLOCK)
        onListening(socket.port)
        let outcome = acceptLoop(socket)
        _ = close(socket.descriptor)
        connectionsRunning.wait()
        return outcome
    }

    private func acceptLoop(_ socket: ListeningSocket) -> Result<Void, EndpointHTTPServerError> {
        while true {
            var descriptors = [
                pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0),
                pollfd(fd: drainPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failure(failure("poll"))
            }
            if descriptors[1].revents != 0 || descriptors[2].revents != 0 { return .success(()) }
            guard descriptors[0].revents & Int16(POLLIN) != 0 else {
                if descriptors[0].revents != 0 { return .failure(EndpointHTTPServerError(description: "\(name) endpoint: its listening socket failed")) }
                continue
            }
            let client = accept(socket.descriptor, nil, nil)
            guard client >= 0 else {
                switch errno {
                case EINTR, EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: back off instead of spinning; the stop pipe still wakes us.
                    var stopOnly = [pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
                    _ = poll(&stopOnly, 1, 100)
                    continue
                default:
                    return .failure(failure("accept"))
                }
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            serveOnItsOwnThread(client)
        }
    }

    /// Serves `client` on a thread of its own, or answers 503 at once when at the cap.
    private func serveOnItsOwnThread(_ client: Int32) {
        guard activeConnections.add(1, ordering: .relaxed).newValue <= limits.maximumConnections else {
            activeConnections.subtract(1, ordering: .relaxed)
            let busy = EndpointResponse(status: 503, body: "too many connections\n").serialized(includeBody: true)
            _ = busy.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Self.noSignal) }
            _ = close(client)
            return
        }
        let connection = EndpointConnection(descriptor: client, stopSignal: stopPipe.read, routes: routes, limits: limits, security: security)
        connectionsRunning.enter()
        let thread = Thread { [self] in
            connection.serve()
            activeConnections.subtract(1, ordering: .relaxed)
            connectionsRunning.leave()
        }
        thread.name = "trustline-\(name)-conn"
        thread.start()
    }

    private func closeStopPipe() {
        stopWriteEndOpen.withLock { open in
            guard open else { return }
            open = false
            _ = close(stopPipe.write)
            _ = close(drainPipe.write)
        }
        _ = close(stopPipe.read)
        _ = close(drainPipe.read)
    }

    private func failure(_ call: String) -> EndpointHTTPServerError {
        EndpointHTTPServerError(description: "\(name) endpoint on \(host):\(port) stopped serving: \(SystemFailure(call))")
    }

    #if canImport(Glibc)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif
}

/// Whether an endpoint speaks plain HTTP (probes, metrics) or HTTPS with a certificate that is
/// re-read when it rotates (the webhook).
enum EndpointSecurity: Sendable {
    case plain
    case tls(ServingCertificate)
}
