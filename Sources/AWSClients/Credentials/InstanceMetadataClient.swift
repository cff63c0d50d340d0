import Foundation
import HTTPTransport

/// Talks IMDSv2 to the EC2 instance metadata service: a session token from `PUT /latest/api/token`
/// (asked for `tokenTTL` seconds), sent as `X-aws-ec2-metadata-token` on every GET. The token is kept
/// until shortly before its TTL runs out, and fetched again at once when a GET is answered 401
/// (the service forgot it, for example after the instance was stopped and started).
actor InstanceMetadataClient {
    /// What went wrong talking to the service, so the provider can tell "no service here" from errors.
    enum Failure: Error {
        /// The service did not answer at all (refused, timed out, unreachable) in any attempt.
        case unreachable(String)
        /// The service answered with this status.
        case status(Int, body: Data)
    }

    static let tokenPath = "/latest/api/token"
    static let tokenHeader = "X-aws-ec2-metadata-token"
    static let tokenTTLHeader = "X-aws-ec2-metadata-token-ttl-seconds"

    let baseURL: URL
    private let httpClient: any HTTPClient
    private let timeout: Duration
    private let attempts: Int
    private let tokenTTL: Int
    private let clock: @Sendable () -> Date
    private var token: (value: String, expires: Date)?

    init(
        baseURL: URL, httpClient: any HTTPClient, timeout: Duration, attempts: Int, tokenTTL: Int,
        clock: @escaping @Sendable () -> Date
    ) {
        self.baseURL = baseURL
        self.httpClient = httpClient
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.tokenTTL = tokenTTL
        self.clock = clock
    }

    func url(_ path: String) -> URL {
        URL(string: path, relativeTo: baseURL)?.absoluteURL ?? baseURL.appending(path: path)
    }

    /// GETs `path` with the session token; a 401 drops the token and tries once more with a new one.
    func get(_ path: String) async throws -> Data {
        for tokenAttempt in 1...2 {
            let token = try await currentToken()
            var request = HTTPRequest(method: "GET", url: url(path), timeout: timeout)
            request.headers[Self.tokenHeader] = token
            let response = try await send(request)
            if response.status == 401, tokenAttempt == 1 {
                self.token = nil
                continue
            }
            guard response.status == 200 else { throw Failure.status(response.status, body: response.body) }
            return response.body
        }
        throw Failure.status(401, body: Data("the service refused two fresh session tokens".utf8))
    }

    /// The cached token unless it expires within a minute, else a new one.
    private func currentToken() async throws -> String {
        let now = clock()
        if let token, token.expires.timeIntervalSince(now) > 60 { return token.value }
        var request = HTTPRequest(method: "PUT", url: url(Self.tokenPath), timeout: timeout)
        request.headers[Self.tokenTTLHeader] = String(tokenTTL)
        let response = try await send(request)
        guard response.status == 200 else { throw Failure.status(response.status, body: response.body) }
        let value = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw Failure.status(200, body: Data("empty session token".utf8)) }
        token = (value, now.addingTimeInterval(TimeInterval(tokenTTL)))
        return value
    }

    /// Sends with up to `attempts` tries; transport failures and 5xx answers are retried.
    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var lastFailure = ""
        var lastResponse: HTTPResponse?
        for _ in 1...attempts {
            do {
                let response = try await httpClient.send(request)
                if (500...599).contains(response.status) {
                    lastResponse = response
                    continue
                }
                return response
            } catch HTTPTransportError.cancelled {
                throw CancellationError()
            } catch {
                lastFailure = "\(error)"
            }
        }
        if let lastResponse { return lastResponse }
        throw Failure.unreachable(lastFailure)
    }
}
