import Foundation

/// The seam every I/O shell talks through. `CurlHTTPClient` is the real one; tests of
/// higher layers may substitute an in-memory implementation.
public protocol HTTPClient: Sendable {
    /// Sends a request and buffers the whole response. Non-2xx statuses are responses, not errors.
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse
    /// Sends a request and returns as soon as the status and headers arrive; the body follows as lines.
    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse
}

/// TLS settings of one client. PEM material can come from files or from memory (kubeconfig
/// `*-data` fields) without temporary files.
public struct TLSConfiguration: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case file(String)
        case pem(Data)
    }
    /// Extra CA to trust instead of the system bundle; `nil` uses the system bundle.
    public var certificateAuthority: Source?
    public var clientCertificate: Source?
    public var clientKey: Source?
    /// Only ever set when the user asked for it (`insecure-skip-tls-verify`).
    public var insecureSkipVerify: Bool

    public init(
        certificateAuthority: Source? = nil,
        clientCertificate: Source? = nil,
        clientKey: Source? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }

    public static let system = TLSConfiguration()
}
