import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport

/// The IAM, STS and S3 clients of one process, built the way the AWS SDKs build theirs: credentials
/// from the standard chain (environment, web identity, profile, container endpoint, instance
/// metadata), endpoints from
/// `AWS_ENDPOINT_URL_IAM`/`_STS`/`_S3`/`AWS_ENDPOINT_URL`, region from `AWS_REGION`/`AWS_DEFAULT_REGION`.
public struct AWSConnections: Sendable {
    public let iam: IAMClient
    public let sts: STSClient
    /// For OIDC publishing only (docs/design.md section 11): path-style under `AWS_ENDPOINT_URL_S3`,
    /// virtual-hosted on AWS, signed for the configured region.
    public let s3: S3Client
    /// The configured region, if any.
    public let region: String?
    /// The partition of `region` (aws when no region is set).
    public let partition: AWSPartition
    private let stsConfiguration: AWSClientConfiguration
    private let stsTransport: any HTTPClient

    /// - Parameters:
    ///   - wrapTransport: lets the caller observe every HTTP exchange (metrics) by wrapping the
    ///     libcurl client; `service` is `iam`, `sts` or `s3`.
    /// - Throws: `EndpointResolverError` when an endpoint or region variable is malformed.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        extraHeaders: HTTPHeaders = HTTPHeaders(),
        wrapTransport: @Sendable (_ service: String, _ client: any HTTPClient) -> any HTTPClient = { $1 }
    ) throws {
        let endpoints = try EndpointResolver(validating: environment)
        let region = EndpointResolver.region(environment: environment)
        self.region = region
        partition = region.map(AWSPartition.init(region:)) ?? .aws
        let transport = CurlHTTPClient()
        let stsTransport = wrapTransport("sts", transport)
        let stsConfiguration = AWSClientConfiguration(endpoint: endpoints.sts(region: region), extraHeaders: extraHeaders)
        self.stsConfiguration = stsConfiguration
        self.stsTransport = stsTransport
        let exchanger = STSClient(configuration: stsConfiguration, httpClient: stsTransport, credentialProvider: nil)
        let credentials = CredentialProviderChain.standard(
            webIdentityExchanger: exchanger, metadataHTTPClient: transport, environment: environment)
        iam = IAMClient(
            configuration: AWSClientConfiguration(endpoint: endpoints.iam(region: region), extraHeaders: extraHeaders),
            httpClient: wrapTransport("iam", transport), credentialProvider: credentials)
        sts = STSClient(configuration: stsConfiguration, httpClient: stsTransport, credentialProvider: credentials)
        let s3Endpoint = endpoints.s3(region: region)
        s3 = S3Client(
            configuration: AWSClientConfiguration(endpoint: s3Endpoint.endpoint, extraHeaders: extraHeaders),
            addressing: s3Endpoint.addressing, httpClient: wrapTransport("s3", transport), credentialProvider: credentials)
    }

    /// An STS client signing with fixed credentials (those an AssumeRoleWithWebIdentity returned),
    /// on the same endpoint as `sts`.
    public func sts(signingWith credentials: AWSCredentials) -> STSClient {
        STSClient(configuration: stsConfiguration, httpClient: stsTransport, credentialProvider: FixedCredentialProvider(credentials: credentials))
    }
}

/// Credentials known up front, e.g. a web identity session's.
struct FixedCredentialProvider: CredentialProvider {
    let credentials: AWSCredentials

    func credentials() async throws -> AWSCredentials { credentials }
}
