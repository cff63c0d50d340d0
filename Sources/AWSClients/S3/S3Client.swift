import AWSSigV4
import Foundation
import HTTPTransport
import Logging

/// The few S3 REST calls OIDC publishing needs (docs/design.md section 11): put an object with its
/// content type, read it back (or just its ETag) to compare before writing. SigV4 with service
/// `s3`: the payload's SHA-256 in `x-amz-content-sha256`, the path signed as sent. S3's XML
/// errors come back as `AWSClientError.service` values; retries follow the standard retry mode,
/// as for IAM and STS.
public final class S3Client: Sendable {
    public let configuration: AWSClientConfiguration
    public let addressing: S3Addressing
    /// The bucket every retry of this client draws from.
    public let retryQuota: RetryQuota

    private let httpClient: any HTTPClient
    private let credentialProvider: any CredentialProvider
    private let signer: SigV4Signer
    private let retryLoop: StandardRetryLoop

    /// - Parameters:
    ///   - configuration: `endpoint.url` is the service URL (`EndpointResolver.s3(region:)`), its
    ///     signing region the bucket's region.
    ///   - addressing: path-style for an endpoint override, virtual-hosted for AWS.
    public init(
        configuration: AWSClientConfiguration, addressing: S3Addressing, httpClient: any HTTPClient,
        credentialProvider: any CredentialProvider, logger: Logger = Logger(label: "trustline.aws")
    ) {
        self.configuration = configuration
        self.addressing = addressing
        self.httpClient = httpClient
        self.credentialProvider = credentialProvider
        self.signer = SigV4Signer(service: "s3", region: configuration.endpoint.signingRegion)
        self.retryQuota = RetryQuota(capacity: configuration.retry.quotaCapacity)
        self.retryLoop = StandardRetryLoop(
            retry: configuration.retry, quota: retryQuota, clockOffset: ClockOffset(), clock: configuration.clock, logger: logger)
    }

    /// PutObject: writes `body` under `key` with `contentType`; returns the new ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: Data, contentType: String) async throws(AWSClientError) -> String? {
        let response = try await perform(
            "PutObject", method: "PUT", bucket: bucket, key: key, body: body, headers: [("Content-Type", contentType)])
        return response.headers["ETag"]
    }

    /// GetObject: the object, or nil when the bucket holds no such key (`NoSuchKey`). A missing
    /// bucket or a refusal is an error.
    public func getObject(bucket: String, key: String) async throws(AWSClientError) -> S3Object? {
        do {
            let response = try await perform("GetObject", method: "GET", bucket: bucket, key: key)
            return S3Object(body: response.body, etag: response.headers["ETag"], contentType: response.headers["Content-Type"])
        } catch let error where error.serviceError?.code == "NoSuchKey" {
            return nil
        }
    }

    /// HeadObject: the object's ETag, type and length, or nil on 404 (a HEAD answer has no body,
    /// so a missing key and a missing bucket look alike; GetObject tells them apart).
    public func headObject(bucket: String, key: String) async throws(AWSClientError) -> S3ObjectHead? {
        do {
            let response = try await perform("HeadObject", method: "HEAD", bucket: bucket, key: key)
            return S3ObjectHead(
                etag: response.headers["ETag"], contentType: response.headers["Content-Type"],
                contentLength: response.headers["Content-Length"].flatMap { Int($0) })
        } catch let error where error.serviceError?.httpStatus == 404 {
            return nil
        }
    }

    /// CreateBucket in the client's region. The operator never creates buckets (the bucket and its
    /// public-read policy are the user's, README "Self-managed clusters"); the local demo and the
    /// tests use this to prepare moto.
    public func createBucket(_ bucket: String) async throws(AWSClientError) {
        let region = configuration.endpoint.signingRegion
        // us-east-1 takes no LocationConstraint; every other region requires it.
        let body = region == "us-east-1" ? Data() : Data("""
            <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
            <LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>
            """.utf8)
        _ = try await perform("CreateBucket", method: "PUT", bucket: bucket, key: "", body: body)
    }

    private func perform(
        _ operation: String, method: String, bucket: String, key: String, body: Data = Data(), headers: [(String, String)] = []
    ) async throws(AWSClientError) -> HTTPResponse {
        let location = try S3ObjectLocation.make(endpoint: configuration.endpoint.url, addressing: addressing, bucket: bucket, key: key)
        return try await retryLoop.run(
            describe: operation,
            send: { offset throws(AWSClientError) in
                try await sendOnce(method: method, location: location, body: body, headers: headers, signingOffset: offset)
            },
            decodeError: Self.decodeError,
            decode: { response throws(AWSClientError) in response })
    }

    private func sendOnce(
        method: String, location: S3ObjectLocation, body: Data, headers extra: [(String, String)], signingOffset: TimeInterval
    ) async throws(AWSClientError) -> HTTPResponse {
        var headers: [(String, String)] = [("Host", QueryRequestExecutor.hostHeader(for: location.url))]
        headers += extra
        headers += configuration.extraHeaders.fields.map { ($0.name, $0.value) }
        let credentials = try await credentialProvider.credentialsForSigning()
        let signed = signer.sign(
            SigV4Request(method: method, path: location.signingPath, headers: headers, body: body),
            credentials: credentials, date: configuration.clock().addingTimeInterval(signingOffset),
            options: SigV4SigningOptions(includeContentSHA256: true, normalizePath: false))
        headers += signed.headers
        headers.append(("User-Agent", configuration.userAgent))
        let request = HTTPRequest(
            method: method, url: location.url, headers: HTTPHeaders(headers), body: body, timeout: configuration.timeout)
        do {
            return try await httpClient.send(request)
        } catch {
            throw .transport(error)
        }
    }

    /// S3's `<Error><Code>…` body as a value; a HEAD (or any bodiless) error becomes a code named
    /// after its status, as the AWS SDKs do (`NotFound`, `Forbidden`, ...).
    static func decodeError(_ response: HTTPResponse) -> AWSClientError {
        guard response.body.isEmpty else { return AWSErrorResponseDecoder.decode(response) }
        let code: String
        switch response.status {
        case 301: code = "PermanentRedirect"
        case 400: code = "BadRequest"
        case 403: code = "Forbidden"
        case 404: code = "NotFound"
        case 412: code = "PreconditionFailed"
        case 503: code = "SlowDown"
        default: code = "HTTP\(response.status)"
        }
        return .service(AWSError(
            code: code, message: "", requestId: response.headers["x-amz-request-id"], httpStatus: response.status))
    }
}
