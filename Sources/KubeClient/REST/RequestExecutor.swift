import Foundation
import HTTPTransport
import Logging
import Synchronization

/// One REST call before authentication is added.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [URLQueryItem] = []
    var body: Data?
    var contentType: String?
    var timeout: Duration? = .seconds(30)
}

/// Sends API requests: adds credentials, picks the HTTP client for the current TLS material
/// (exec plugins may hand out client certificates), retries once after a 401 with refreshed
/// credentials, and turns non-2xx answers into `KubeAPIError`.
final class RequestExecutor: Sendable {
    let server: URL
    private let baseTLS: TLSConfiguration
    private let credentials: any CredentialProvider
    private let makeHTTPClient: @Sendable (TLSConfiguration) -> any HTTPClient
    private let clientCache = Mutex<(tls: TLSConfiguration, client: any HTTPClient)?>(nil)
    private let logger: Logger

    init(
        server: URL,
        tls: TLSConfiguration,
        credentials: any CredentialProvider,
        makeHTTPClient: @escaping @Sendable (TLSConfiguration) -> any HTTPClient,
        logger: Logger
    ) {
        self.server = server
        self.baseTLS = tls
        self.credentials = credentials
        self.makeHTTPClient = makeHTTPClient
        self.logger = logger
    }

    /// Sends and buffers; returns the 2xx response or throws `KubeAPIError`.
    func send(_ request: APIRequest) async throws -> HTTPResponse {
        var response = try await sendOnce(request)
        if response.status == 401, await credentials.invalidate() {
            logger.debug("401 from API server, retrying with refreshed credentials", metadata: ["path": "\(request.path)"])
            response = try await sendOnce(request)
        }
        guard (200..<300).contains(response.status) else {
            throw KubeAPIError(code: response.status, body: response.body, headers: response.headers)
        }
        return response
    }

    /// Opens a streaming request (a watch); returns once headers arrive, or throws `KubeAPIError`.
    func stream(_ request: APIRequest) async throws -> HTTPStreamingResponse {
        var response = try await streamOnce(request)
        if response.status == 401, await credentials.invalidate() {
            _ = try? await collect(response.lines)
            response = try await streamOnce(request)
        }
        guard (200..<300).contains(response.status) else {
            let body = (try? await collect(response.lines)) ?? Data()
            throw KubeAPIError(code: response.status, body: body, headers: response.headers)
        }
        return response
    }

    private func sendOnce(_ request: APIRequest) async throws -> HTTPResponse {
        let (httpRequest, client) = try await prepare(request)
        return try await client.send(httpRequest)
    }

    private func streamOnce(_ request: APIRequest) async throws -> HTTPStreamingResponse {
        let (httpRequest, client) = try await prepare(request)
        return try await client.stream(httpRequest)
    }

    private func prepare(_ request: APIRequest) async throws -> (HTTPRequest, any HTTPClient) {
        let current = try await credentials.credentials()
        guard let url = ResourcePath.url(server: server, path: request.path, query: request.query) else {
            throw HTTPTransportError.invalidRequest("cannot build a URL from \(server) and \(request.path)")
        }
        var headers = HTTPHeaders()
        headers["Accept"] = "application/json"
        headers["User-Agent"] = "trustline/kubeclient"
        if let authorization = current.authorization { headers["Authorization"] = authorization }
        if let contentType = request.contentType { headers["Content-Type"] = contentType }
        let httpRequest = HTTPRequest(
            method: request.method, url: url, headers: headers, body: request.body ?? Data(), timeout: request.timeout)
        var tls = baseTLS
        if let certificate = current.clientCertificate, let key = current.clientKey {
            tls.clientCertificate = certificate
            tls.clientKey = key
        }
        return (httpRequest, client(for: tls))
    }

    private func client(for tls: TLSConfiguration) -> any HTTPClient {
        clientCache.withLock { cache in
            if let cache, cache.tls == tls { return cache.client }
            let client = makeHTTPClient(tls)
            cache = (tls, client)
            return client
        }
    }

    private func collect(_ lines: AsyncThrowingStream<Data, any Error>) async throws -> Data {
        var body = Data()
        for try await line in lines {
            body.append(line)
            body.append(0x0A)
            if body.count > 65536 { break }
        }
        return body
    }
}
