import Foundation
import HTTPTransport

/// What one IAM or STS client needs besides its transport and credentials: where to send, how
/// long to wait, how to retry, which clock to sign with, and headers to add to every call.
public struct AWSClientConfiguration: Sendable {
    public var endpoint: AWSEndpoint
    /// Sent with every request and signed; tests use it for moto's `x-moto-account-id`.
    public var extraHeaders: HTTPHeaders
    /// Per-attempt transfer timeout.
    public var timeout: Duration
    public var retry: RetryStrategy
    /// The local clock used for signing (before the learned skew offset is applied).
    public var clock: @Sendable () -> Date
    public var userAgent: String

    public init(
        endpoint: AWSEndpoint,
        extraHeaders: HTTPHeaders = HTTPHeaders(),
        timeout: Duration = .seconds(30),
        retry: RetryStrategy = .standard,
        clock: @escaping @Sendable () -> Date = { Date() },
        userAgent: String = "trustline"
    ) {
        self.endpoint = endpoint
        self.extraHeaders = extraHeaders
        self.timeout = timeout
        self.retry = retry
        self.clock = clock
        self.userAgent = userAgent
    }
}
