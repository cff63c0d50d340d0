extension HTTPTransportError: CustomStringConvertible {
    /// One line for logs and Kubernetes events: the kind, then libcurl's detail (which names the URL).
    public var description: String {
        switch self {
        case .connectionRefused(let message): "connection refused: \(message)"
        case .hostNotFound(let message): "host not found: \(message)"
        case .tls(let message): "TLS failure: \(message)"
        case .timeout(let message): "timed out: \(message)"
        case .connectionReset(let message): "connection reset: \(message)"
        case .cancelled: "request cancelled"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .other(let code, let message): "transport error (libcurl code \(code)): \(message)"
        }
    }
}
