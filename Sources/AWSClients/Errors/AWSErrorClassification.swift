import HTTPTransport

/// Which failures the standard retry mode retries, and which mean our clock is off. The code
/// lists are the ones the AWS SDKs use for standard mode and clock-skew correction.
public enum AWSErrorClassification {
    /// Codes meaning "slow down". IAM's `LimitExceeded` (a quota, HTTP 409) is deliberately absent.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Codes of transient server-side failures.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]

    /// HTTP statuses retried whatever the code.
    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    /// Codes that may mean the request's timestamp is too far from the server's clock. Whether
    /// they do is decided by comparing the response's `Date` header with our clock.
    public static let clockSkewCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure",
    ]

    /// How a failed attempt should be treated by the retry loop.
    public enum Kind: Sendable, Equatable {
        case throttling
        /// A transient failure; `timedOut` costs more retry quota.
        case transient(timedOut: Bool)
        case notRetryable
    }

    public static func classify(_ error: AWSClientError) -> Kind {
        switch error {
        case let .service(serviceError):
            if serviceError.isThrottling { return .throttling }
            if transientCodes.contains(serviceError.code) || transientStatuses.contains(serviceError.httpStatus) {
                return .transient(timedOut: false)
            }
            return .notRetryable
        case let .transport(transportError):
            switch transportError {
            case .timeout: return .transient(timedOut: true)
            case .connectionReset, .connectionRefused: return .transient(timedOut: false)
            case .hostNotFound, .tls, .cancelled, .invalidRequest, .other: return .notRetryable
            }
        case let .invalidResponse(_, status, _):
            // A 5xx with an unreadable body (a proxy's HTML page, a cut-off answer) is still transient.
            return transientStatuses.contains(status) ? .transient(timedOut: false) : .notRetryable
        case .credentials, .invalidInput:
            return .notRetryable
        }
    }
}
