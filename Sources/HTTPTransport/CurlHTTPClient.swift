import Foundation

/// The production `HTTPClient`: libcurl driven by one dedicated thread per client, so TLS from
/// files or memory, HTTP/2, connection reuse and prompt cancellation all come from libcurl.
/// Keep one client per set of TLS settings and reuse it: its connection cache lives with it.
///
/// Requests are sent as given: redirects are not followed (a 3xx is a response), and libcurl's
/// default `Accept`, `Expect` and form `Content-Type` headers are suppressed unless the request
/// sets them. libcurl's usual proxy environment variables (`https_proxy`, `no_proxy`) apply.
/// The thread exits once the client is released and its last transfer (or stream) has ended.
public final class CurlHTTPClient: HTTPClient {
    private let loop: CurlMultiLoop
    private let configurationError: HTTPTransportError?
    private let streamBufferLines: Int
    /// Back-pressure counters across this client's streams (read by tests).
    let streamStatistics = StreamStatistics()

    /// - Parameters:
    ///   - tls: CA, client certificate and key; validated here, errors surface on each request.
    ///   - connectTimeout: limit for DNS + TCP + TLS handshake of each new connection.
    ///   - maxConnectionsPerHost: 0 for no limit. A limit queues transfers beyond it, which would
    ///     stall requests behind long-lived watches on HTTP/1.1, hence unlimited by default.
    ///   - streamBufferLines: lines a stream buffers before the transfer is paused.
    public init(
        tls: TLSConfiguration = .system,
        connectTimeout: Duration = .seconds(10),
        maxConnectionsPerHost: Int = 0,
        streamBufferLines: Int = 256
    ) {
        configurationError = tls.validationError
        self.streamBufferLines = max(1, streamBufferLines)
        loop = CurlMultiLoop(
            settings: CurlClientSettings(
                tls: tls,
                connectTimeout: connectTimeout,
                maxConnectionsPerHost: max(0, maxConnectionsPerHost)
            )
        )
    }

    deinit {
        loop.requestShutdown()
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        if let configurationError { throw configurationError }
        let ticket = TransferTicket()
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.enqueue(.start(TransferSubmission(request: request, ticket: ticket, sink: .buffered(continuation))))
            }
        } onCancel: {
            ticket.markCancelled()
            loop.enqueue(.cancel(ticket))
        }
        return try result.get()
    }

    public func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        if let configurationError { throw configurationError }
        let ticket = TransferTicket()
        let buffer = LineStreamBuffer(capacity: streamBufferLines, statistics: streamStatistics)
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let sink = TransferSink.streaming(continuation, buffer)
                loop.enqueue(.start(TransferSubmission(request: request, ticket: ticket, sink: sink)))
            }
        } onCancel: {
            ticket.markCancelled()
            loop.enqueue(.cancel(ticket))
        }
        let head = try result.get()
        let reader = StreamLineReader(buffer: buffer, loop: loop, ticket: ticket)
        return HTTPStreamingResponse(
            status: head.status,
            headers: head.headers,
            lines: AsyncThrowingStream(unfolding: reader.next),
            httpVersion: head.httpVersion
        )
    }
}
