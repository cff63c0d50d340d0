import Foundation

/// A complete, buffered response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data
    /// Negotiated protocol, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(), httpVersion: String = "HTTP/1.1") {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }
}

/// A response whose body is consumed line by line as it arrives (Kubernetes watches).
/// Reading slowly applies back-pressure: the transport pauses the transfer while lines are
/// unconsumed. Cancelling the consuming task, or dropping the iterator, stops the transfer.
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// Lines without their terminating `\n` (or `\r\n`); a final unterminated line is yielded too.
    /// Ends normally when the body ends; throws `HTTPTransportError` when the transfer fails,
    /// including `.cancelled` after the reading task was cancelled.
    public var lines: AsyncThrowingStream<Data, any Error>
    /// Negotiated protocol, e.g. "HTTP/1.1" or "HTTP/2".
    public var httpVersion: String

    public init(
        status: Int,
        headers: HTTPHeaders,
        lines: AsyncThrowingStream<Data, any Error>,
        httpVersion: String = "HTTP/1.1"
    ) {
        self.status = status
        self.headers = headers
        self.lines = lines
        self.httpVersion = httpVersion
    }
}
