import AWSClients
import Digests
import Foundation
import HTTPTransport
import KubeClient
import Logging
import TrustlineCore

/// Resolves the `OperatorEnvironment` once at start: the OIDC issuer (the published one when
/// `oidcPublishBucket` is set, else the setting, else the API server's
/// `/.well-known/openid-configuration`), the account (setting, else STS
/// GetCallerIdentity), the partition (from the region) and, when the operator manages the OIDC
/// provider, the thumbprint of the issuer's CA.
public struct EnvironmentResolver: Sendable {
    /// A start-up fact that could not be established; the message says what to set instead.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let settings: OperatorSettings
    let kubernetes: KubernetesClient
    let aws: AWSConnections
    let logger: Logger

    public init(settings: OperatorSettings, kubernetes: KubernetesClient, aws: AWSConnections, logger: Logger) {
        self.settings = settings
        self.kubernetes = kubernetes
        self.aws = aws
        self.logger = logger
    }

    public func resolve() async throws -> OperatorEnvironment {
        let issuer = try await oidcIssuer()
        let account = try await accountId()
        let thumbprints = settings.manageOidcProvider ? issuerThumbprints(issuer: issuer) : []
        let environment = OperatorEnvironment(
            accountId: account, partition: aws.partition.rawValue, oidcIssuer: issuer, oidcThumbprints: thumbprints)
        logger.info(
            "environment resolved",
            metadata: ["oidcIssuer": "\(issuer)", "awsAccountId": "\(account)", "partition": "\(environment.partition)"])
        if case .unreachable(let reason) = IssuerReachability.classify(issuer) {
            logger.warning(
                "the OIDC issuer cannot be used by real AWS STS: roles are created, but no pod can assume them until the API server's --service-account-issuer is a public HTTPS URL (docs/design.md section 11)",
                metadata: ["oidcIssuer": "\(issuer)", "reason": "\(reason)"])
        }
        return environment
    }

    func oidcIssuer() async throws -> String {
        if let bucket = settings.oidcPublishBucket {
            return try Self.publishedIssuer(bucket: bucket, settings: settings, region: aws.region)
        }
        if let configured = settings.oidcIssuer { return configured }
        return try await Self.discoverIssuer(kubernetes: kubernetes)
    }

    /// The issuer OIDC publishing serves (docs/design.md section 11): `oidcIssuer` when set (a
    /// host in front of the bucket), else the bucket's regional S3 URL, which needs the region.
    static func publishedIssuer(bucket: String, settings: OperatorSettings, region: String?) throws -> String {
        if let explicit = settings.oidcIssuer {
            return OIDCPublication.issuer(bucket: bucket, prefix: settings.oidcPublishPrefix, region: region ?? "", explicitIssuer: explicit)
        }
        guard let region, !region.isEmpty else {
            throw Failure(description: "oidcPublishBucket \(bucket) needs the bucket's region to name the issuer https://\(bucket).s3.REGION.amazonaws.com; set AWS_REGION (or AWS_DEFAULT_REGION)")
        }
        return OIDCPublication.issuer(bucket: bucket, prefix: settings.oidcPublishPrefix, region: region, explicitIssuer: nil)
    }

    /// The issuer the API server announces at `/.well-known/openid-configuration`.
    public static func discoverIssuer(kubernetes: KubernetesClient) async throws -> String {
        let data: Data
        do {
            data = try await kubernetes.getRaw(path: "/.well-known/openid-configuration")
        } catch {
            throw Failure(description: "could not discover the OIDC issuer from the API server's /.well-known/openid-configuration (\(error)); set --oidc-issuer (TRUSTLINE_OIDC_ISSUER)")
        }
        struct Discovery: Decodable { var issuer: String? }
        guard let issuer = (try? JSONDecoder().decode(Discovery.self, from: data))?.issuer, issuer.hasPrefix("https://") else {
            throw Failure(description: "the API server's /.well-known/openid-configuration names no https issuer; set --oidc-issuer (TRUSTLINE_OIDC_ISSUER)")
        }
        return issuer
    }

    /// Waits between start-up attempts at GetCallerIdentity while STS throttles or fails
    /// transiently (each attempt already made the standard retries): about 30 s in all, so a
    /// restart that meets a bad moment of STS waits it out instead of exiting.
    static let accountLookupPauses: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(15)]

    func accountId() async throws -> String {
        if let configured = settings.awsAccountId { return configured }
        var pauses = Self.accountLookupPauses[...]
        while true {
            do {
                return try await aws.sts.getCallerIdentity().account
            } catch {
                if AWSErrorClassification.classify(error) != .notRetryable, let pause = pauses.popFirst() {
                    logger.warning(
                        "STS GetCallerIdentity failed; trying again",
                        metadata: ["error": "\(error)", "retryIn": "\(pause)"])
                    try await Task.sleep(for: pause)
                    continue
                }
                throw Failure(description: "could not learn the AWS account from STS GetCallerIdentity (\(error)); check the AWS credentials or set --aws-account-id (TRUSTLINE_AWS_ACCOUNT_ID)")
            }
        }
    }

    /// SHA-1 of the CA certificate that signs the issuer's TLS certificate, when the issuer is
    /// served by the API server itself and the kubeconfig carries that CA. Otherwise empty: IAM
    /// then takes the thumbprint from the issuer's own certificate chain.
    func issuerThumbprints(issuer: String) -> [String] {
        guard let issuerHost = URL(string: issuer)?.host, issuerHost == kubernetes.configuration.server.host,
            let authority = kubernetes.configuration.tls.certificateAuthority
        else { return [] }
        let pem: Data?
        switch authority {
        case .pem(let data): pem = data
        case .file(let path): pem = FileManager.default.contents(atPath: path)
        }
        guard let pem, let der = Self.firstCertificateDER(pem) else { return [] }
        return [Hex.lowercase(SHA1Digest.hash(der))]
    }

    static func firstCertificateDER(_ pem: Data) -> Data? {
        let text = String(decoding: pem, as: UTF8.self)
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }
}
