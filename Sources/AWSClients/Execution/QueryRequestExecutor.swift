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
    private let logger: Logger

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
        self.logger = logger
    }

    /// Performs `action` and decodes the `<{action}Response>` document with `decode`.
    /// `signed: false` sends the call without credentials (STS AssumeRoleWithWebIdentity).
    /// Retryable failures are retried up to `retry.maxAttempts` attempts in all, each retry paid
    /// from the retry quota after a `rand() * min(2^n s, 20 s)` sleep. A clock-skew error whose
    /// `Date` header shows our signing clock off by more than 5 minutes is re-signed and resent
    /// at once, at most once per call, without using up an attempt or quota.
    public func perform<Output>(
        action: String,
        parameters: [(String, String)],
        signed: Bool = true,
        decode: (ParsedXMLElement) throws(XMLDecodingError) -> Output
    ) async throws(AWSClientError) -> Output {
        let body = QueryForm.encode([("Action", action), ("Version", service.apiVersion)] + parameters)
        let retry = configuration.retry
        var attempt = 0
        var skewCorrected = false
        var lastRetryCost: Int?

        while true {
            attempt += 1
            let failure: AWSClientError
            let signingOffset = clockOffset.current
            do {
                let response = try await sendOnce(body: body, signed: signed, signingOffset: signingOffset)
                if (200..<300).contains(response.status) {
                    retryQuota.release(lastRetryCost ?? RetryQuota.noRetryIncrement)
                    return try decodeSuccess(response, action: action, decode: decode)
                }
                failure = AWSErrorResponseDecoder.decode(response)
                if !skewCorrected, adoptSkewIfNeeded(failure, response: response, signedWithOffset: signingOffset) {
                    skewCorrected = true
                    attempt -= 1
                    logger.debug("clock skew corrected; re-signing", metadata: ["action": "\(action)"])
                    continue
                }
            } catch let error {
                failure = error
            }

            let kind = AWSErrorClassification.classify(failure)
            guard kind != .notRetryable, attempt < retry.maxAttempts else { throw failure }
            let cost = kind == .transient(timedOut: true) ? RetryQuota.timeoutRetryCost : RetryQuota.retryCost
            guard retryQuota.acquire(cost) else {
                logger.debug("retry quota exhausted", metadata: ["action": "\(action)"])
                throw failure
            }
            lastRetryCost = cost
            let delay = retry.backoff(retryIndex: attempt - 1)
            logger.debug("retrying", metadata: ["action": "\(action)", "attempt": "\(attempt)", "delay": "\(delay)"])
            do {
                try await retry.sleep(delay)
            } catch {
                throw .transport(.cancelled)
            }
        }
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
            let credentials: AWSCredentials
            do {
                credentials = try await credentialProvider.credentials()
            } catch let error as AWSClientError {
                throw error
            } catch {
                throw .credentials(String(describing: error))
            }
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
        _ response: HTTPResponse, action: String,
        decode: (ParsedXMLElement) throws(XMLDecodingError) -> Output
    ) throws(AWSClientError) -> Output {
        let requestId = response.headers["x-amzn-RequestId"]
        do {
            let root = try XMLDocumentDecoder.decode(response.body, expectedRoot: "\(action)Response")
            return try decode(root)
        } catch {
            throw .invalidResponse(error, httpStatus: response.status, requestId: requestId)
        }
    }

    /// On a clock-skew code, learns the server's clock from the `Date` header; `true` when the
    /// offset moved enough that re-signing can help (a wrong secret with a correct clock does not).
    private func adoptSkewIfNeeded(
        _ failure: AWSClientError, response: HTTPResponse, signedWithOffset: TimeInterval
    ) -> Bool {
        guard let code = failure.serviceError?.code, AWSErrorClassification.clockSkewCodes.contains(code),
              let dateHeader = response.headers["Date"], let serverDate = HTTPDateHeader.parse(dateHeader)
        else { return false }
        return clockOffset.adopt(serverDate: serverDate, localNow: configuration.clock(), signedWithOffset: signedWithOffset)
    }

    static func hostHeader(for url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let isDefault = (url.scheme == "https" && port == 443) || (url.scheme == "http" && port == 80)
        return isDefault ? host : "\(host):\(port)"
    }
}
