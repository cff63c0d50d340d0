import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One accepted connection of `EndpointHTTPServer`, served on its own thread: TLS handshake if
/// the endpoint serves TLS, then the head and (for a POST route) the `Content-Length` body
/// within one deadline and size caps, one answer, close. Blocking calls always go through
/// `poll` on the socket and the server's stop pipe (`SocketWaiter`), so a stalled client costs
/// one thread for at most the deadline and never delays shutdown.
struct EndpointConnection: Sendable {
    /// The accepted socket; closed by `serve()`.
    let descriptor: Int32
    /// Read end of the server's stop pipe: readable once the server stops.
    let stopSignal: Int32
    let routes: EndpointRoutes
    let limits: EndpointHTTPServer.Limits
    let security: EndpointSecurity

    /// What reading the request ended with.
    private enum RequestOutcome {
        case request(HTTPRequestHead, body: [UInt8])
        case refused(EndpointResponse, discarding: Int? = nil)
        case gaveUp
    }

    func serve() {
        defer { _ = close(descriptor) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let deadline = ContinuousClock.now.advanced(by: limits.requestTimeout)
        let waiter = SocketWaiter(descriptor: descriptor, stopSignal: stopSignal)
        let stream: any ConnectionStream
        switch security {
        case .plain:
            stream = PlainSocketStream(waiter: waiter)
        case .tls(let certificate):
            guard case .success(let tls) = TLSSocketStream.handshake(waiter: waiter, context: certificate.current(), until: deadline) else { return }
            stream = tls
        }
        let response: EndpointResponse
        var includeBody = true
        var lingerBytes = limits.maximumLingerBytes
        switch readRequest(from: stream, until: deadline) {
        case .gaveUp:
            return
        case .refused(let refusal, let discarding):
            response = refusal
            lingerBytes = discarding ?? lingerBytes
        case .request(let head, let body):
            includeBody = head.method != "HEAD"
            if routes.takesBody(head) {
                response = Self.awaiting { await routes.response(to: EndpointRequest(head: head, body: body)) }
            } else {
                response = routes.response(to: head)
            }
        }
        let writeDeadline = ContinuousClock.now.advanced(by: limits.writeTimeout)
        guard stream.write(response.serialized(includeBody: includeBody), until: writeDeadline) else { return }
        stream.finish(lingeringUntil: ContinuousClock.now.advanced(by: limits.lingerTimeout), maximumBytes: lingerBytes)
    }

    /// Reads the head (up to the empty line; past `maximumHeadBytes` it is refused with 431),
    /// then, for a POST route, exactly `Content-Length` body bytes (past `maximumBodyBytes`:
    /// 413, without reading them).
    private func readRequest(from stream: some ConnectionStream, until deadline: ContinuousClock.Instant) -> RequestOutcome {
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            let wanted = limits.maximumHeadBytes + 1 - received.count
            guard case .received = stream.read(into: &received, maximum: wanted, until: deadline) else { return .gaveUp }
            headEnd = HTTPRequestHead.endOfHead(in: received)
            if let end = headEnd, end > limits.maximumHeadBytes { return .refused(Self.headTooLarge(limits)) }
            if headEnd == nil, received.count > limits.maximumHeadBytes { return .refused(Self.headTooLarge(limits)) }
        }
        guard let end = headEnd else { return .gaveUp }
        let head: HTTPRequestHead
        let length: Int
        do {
            head = try HTTPRequestHead(parsing: received[..<end])
            length = try head.contentLength()
        } catch {
            return .refused(EndpointResponse(status: 400, body: "bad request: \(error)\n"))
        }
        guard routes.takesBody(head) else { return .request(head, body: []) }
        if head.hasTransferEncoding {
            return .refused(EndpointResponse(status: 411, body: "send the body with a Content-Length, not a Transfer-Encoding\n"))
        }
        guard length <= limits.maximumBodyBytes else {
            // The body is discarded after the answer (up to a bound), so the client reads the 413
            // instead of a reset.
            let response = EndpointResponse(status: 413, body: "request body of \(length) bytes is larger than \(limits.maximumBodyBytes) bytes\n")
            return .refused(response, discarding: min(length, 4 * limits.maximumBodyBytes))
        }
        var body = Array(received[end...].prefix(length))
        while body.count < length {
            guard case .received = stream.read(into: &body, maximum: length - body.count, until: deadline) else { return .gaveUp }
        }
        return .request(head, body: body)
    }

    private static func headTooLarge(_ limits: EndpointHTTPServer.Limits) -> EndpointResponse {
        EndpointResponse(status: 431, body: "request head larger than \(limits.maximumHeadBytes) bytes\n")
    }

    /// Runs an async route handler from this connection's thread (never a thread of the Swift
    /// concurrency pool, so blocking it costs the pool nothing) and waits for its answer.
    private static func awaiting(_ work: @escaping @Sendable () async -> EndpointResponse) -> EndpointResponse {
        let done = DispatchSemaphore(value: 0)
        let answer = AnswerBox()
        Task {
            answer.response = await work()
            done.signal()
        }
        done.wait()
        return answer.response ?? EndpointResponse(status: 500, body: "no answer\n")
    }
}

/// Hands a route's answer from its task to the waiting connection thread.
///
/// `@unchecked Sendable`: written once by the task before it signals the semaphore, read by
/// the connection thread only after `wait()` returns; the semaphore orders the two accesses.
private final class AnswerBox: @unchecked Sendable {
    var response: EndpointResponse?
}
