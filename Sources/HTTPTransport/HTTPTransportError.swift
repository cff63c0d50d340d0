/// Transport failures, typed so callers can tell what to retry and what to report.
public enum HTTPTransportError: Error, Sendable, Equatable {
    /// Nothing listened at the address (ECONNREFUSED).
    case connectionRefused(String)
    /// Could not resolve the host name.
    case hostNotFound(String)
    /// Certificate verification, handshake, or client certificate problem.
    case tls(String)
    /// Connect or transfer timeout.
    case timeout(String)
    /// The peer closed or reset the connection mid-exchange.
    case connectionReset(String)
    /// The request's task was cancelled; the transfer was stopped.
    case cancelled
    /// The request could not be built (bad URL, bad TLS material, ...).
    case invalidRequest(String)
    /// Anything else libcurl reported, with its code and message.
    case other(code: Int, message: String)
}
