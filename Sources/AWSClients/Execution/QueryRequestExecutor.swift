import AWSSigV4
import Foundation
import HTTPTransport
import Logging

/// Runs one AWS Query API call end to end: form-encodes the parameters as a POST body, signs it
/// with SigV4 (or not, for STS web identity), sends it, decodes the XML answer strictly, and
/// retries per the standard retry mode with clock-skew correction. One per client, so the retry
/// quota and the learned clock offset are shared by all of that client's calls.
public final class QueryRequestExecutor: Sendable {
    /// The service's SigV4 name and Query API version, e.g. `iam` / `2010-05-08`.
    public struct Service: Sendable, Equatable {
        public var signingName: String
        public var apiVersion: String

        public init(signingName: String, apiVersion: String) {
            self.signingName = signingName
            self.apiVersion = apiVersion
        }

        public static let iam = Service(signingName: "iam", apiVersion: "2010-05-08")
        public static let sts = Service(signingName: "sts", apiVersion: "2011-06-15")
    }

    public let service: Service
    public let configuration: AWSClientConfiguration
    /// The bucket every retry of this client draws from.
    public let retryQuota: RetryQuota
    /// The server-clock offset learned from clock-skew errors.
    public let clockOffset: ClockOffset

    private let httpClient: any HTTPClient
    private let credentialProvider: (any CredentialProvider)?
    private let signer: SigV4Signer
    private let retryLoop: StandardRetryLoop

    public init(
        service: Service,
        configuration: AWSClientConfiguration,
        httpClient: any HTTPClient,
        credentialProvider: (any CredentialProvider)?,
        logger: Logger = Logger(label: "trustline.aws")
    ) {
        self.service = service
        self.configuration = configuration
        self.httpClient = httpClient
        self.credentialProvider = credentialProvider
        self.signer = SigV4Signer(service: service.signingName, region: configuration.endpoint.signingRegion)
        self.retryQuota = RetryQuota(capacity: configuration.retry.quotaCapacity)
        self.clockOffset = ClockOffset()
        self.retryLoop = StandardRetryLoop(
            retry: configuration.retry, quota: retryQuota, clockOffset: clockOffset, clock: configuration.clock, logger: logger)
    }

    /// Performs `action` and decodes the `<{action}Response>` document with `decode`.
    /// `signed: false` sends the call without credentials (STS AssumeRoleWithWebIdentity).
    /// Failures are retried by the standard retry mode (`StandardRetryLoop`).
    public func perform<Output>(
        action: String,
        parameters: [(String, String)],
        signed: Bool = true,
        decode: (ParsedXMLElement) throws(XMLDecodingError) -> Output
    ) async throws(AWSClientError) -> Output {
        try await exchange(action: action, parameters: parameters, signed: signed) { response throws(AWSClientError) in
            try decodeSuccess(response, action: action, detached: nil, decode: decode)
        }
    }

    /// Performs `action` as above, except that each element at `itemPath` (local names below
    /// `<{action}Response>`) goes to `decodeItem` as the parser closes it and is then dropped, so a
    /// long list is never held as one tree; `decode` gets the rest of the document and the items,
    /// in document order.
    func perform<Item, Output>(
        action: String,
        parameters: [(String, String)],
        itemPath: [String],
        decodeItem: @escaping (ParsedXMLElement) throws(XMLDecodingError) -> Item,
        decode: (ParsedXMLElement, [Item]) throws(XMLDecodingError) -> Output
    ) async throws(AWSClientError) -> Output {
        try await exchange(action: action, parameters: parameters, signed: true) { response throws(AWSClientError) in
            // Fresh for each answer, so a retried call never sees the items of an earlier one.
            var items: [Item] = []
            let detached = XMLDetachedElements(path: ["\(action)Response"] + itemPath) { element throws(XMLDecodingError) in
                items.append(try decodeItem(element))
            }
            return try decodeSuccess(response, action: action, detached: detached) { root throws(XMLDecodingError) in
                try decode(root, items)
            }
        }
    }

    /// Sends `action` under the standard retry mode and hands each successful answer to `decode`.
    private func exchange<Output>(
        action: String, parameters: [(String, String)], signed: Bool,
        decode: (HTTPResponse) throws(AWSClientError) -> Output
    ) async throws(AWSClientError) -> Output {
        let body = QueryForm.encode([("Action", action), ("Version", service.apiVersion)] + parameters)
        return try await retryLoop.run(
            describe: action,
            send: { offset throws(AWSClientError) in try await sendOnce(body: body, signed: signed, signingOffset: offset) },
            decodeError: AWSErrorResponseDecoder.decode,
            decode: decode)
    }

    /// One signed (or unsigned) HTTP exchange.
    private func sendOnce(body: Data, signed: Bool, signingOffset: TimeInterval) async throws(AWSClientError) -> HTTPResponse {
        let url = configuration.endpoint.url
        var headers: [(String, String)] = [
            ("Host", Self.hostHeader(for: url)),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        headers += configuration.extraHeaders.fields.map { ($0.name, $0.value) }
        if signed {
            guard let credentialProvider else {
                throw .credentials("this client was created without a credential provider, so it cannot sign")
            }
            let credentials = try await credentialProvider.credentialsForSigning()
            let signingDate = configuration.clock().addingTimeInterval(signingOffset)
            headers += signer.signatureHeaders(
                method: "POST", url: url, headers: headers, body: body,
                credentials: credentials, date: signingDate, includeContentSHA256: false)
        }
        headers.append(("User-Agent", configuration.userAgent))
        let request = HTTPRequest(
            method: "POST", url: url, headers: HTTPHeaders(headers), body: body, timeout: configuration.timeout)
        do {
            return try await httpClient.send(request)
        } catch {
            throw .transport(error)
        }
    }

    private func decodeSuccess<Output>(
        _ response: HTTPResponse, action: String, detached: XMLDetachedElements?,
        decode: (ParsedXMLElement) throws(XMLDecodingError) -> Output
    ) throws(AWSClientError) -> Output {
        let requestId = response.headers["x-amzn-RequestId"]
        do {
            let root = try XMLDocumentDecoder.decode(response.body, expectedRoot: "\(action)Response", detached: detached)
            return try decode(root)
        } catch {
            throw .invalidResponse(error, httpStatus: response.status, requestId: requestId)
        }
    }

    static func hostHeader(for url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let isDefault = (url.scheme == "https" && port == 443) || (url.scheme == "http" && port == 80)
        return isDefault ? host : "\(host):\(port)"
    }
}
