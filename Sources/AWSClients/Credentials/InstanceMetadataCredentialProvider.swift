import AWSSigV4
import Foundation
import HTTPTransport

/// Credentials of the EC2 instance's IAM role from the instance metadata service (IMDSv2), the last source
/// the AWS SDKs consult. Settings as in the SDKs: `AWS_EC2_METADATA_DISABLED=true` turns it off;
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` or `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (`IPv4`, `IPv6`) choose
/// the address; `AWS_METADATA_SERVICE_TIMEOUT` (seconds, default 1) and `AWS_METADATA_SERVICE_NUM_ATTEMPTS`
/// (default 1) bound each request. The session token is asked for 6 hours. A service that does not answer,
/// or an instance without a role, counts as "not configured"; IMDSv1 (no token) is not used.
public final class InstanceMetadataCredentialProvider: CredentialProvider {
    public static let name = "EC2 instance metadata"
    public static let ipv4Endpoint = "http://169.254.169.254"
    public static let ipv6Endpoint = "http://[fd00:ec2::254]"
    public static let credentialsPath = "/latest/meta-data/iam/security-credentials/"
    public static let tokenTTLSeconds = 21_600

    /// The resolved settings; `nil` endpoint when the provider is disabled.
    struct Settings: Equatable {
        var endpoint: URL
        var timeout: Duration
        var attempts: Int
    }

    private let settingsResult: Result<Settings?, CredentialProviderError>
    private let client: InstanceMetadataClient?
    private let refreshWindow: TimeInterval
    private let clock: @Sendable () -> Date
    private let cache = RefreshingCredentialCache()

    public init(
        httpClient: any HTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        refreshWindow: TimeInterval = WebIdentityCredentialProvider.defaultRefreshWindow,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        settingsResult = Result { () throws(CredentialProviderError) in try Self.resolve(environment: environment) }
        if case .success(let settings?) = settingsResult {
            client = InstanceMetadataClient(
                baseURL: settings.endpoint, httpClient: httpClient, timeout: settings.timeout,
                attempts: settings.attempts, tokenTTL: Self.tokenTTLSeconds, clock: clock)
        } else {
            client = nil
        }
        self.refreshWindow = refreshWindow
        self.clock = clock
    }

    public func credentials() async throws -> AWSCredentials {
        guard let settings = try settingsResult.get(), let client else {
            throw CredentialProviderError.notConfigured(provider: Self.name, reason: "AWS_EC2_METADATA_DISABLED is true")
        }
        return try await cache.credentials(now: clock(), refreshWindow: refreshWindow) {
            try await Self.fetch(client: client, settings: settings)
        }
    }

    private static func fetch(client: InstanceMetadataClient, settings: Settings) async throws -> AWSCredentials {
        let listURL = await client.url(credentialsPath).absoluteString
        let roleName: String
        do {
            let body = try await client.get(credentialsPath)
            let firstLine = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).first
            roleName = firstLine.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        } catch let failure as InstanceMetadataClient.Failure {
            throw providerError(failure, url: listURL, settings: settings, notFoundMeansNoRole: true)
        }
        guard !roleName.isEmpty else {
            throw CredentialProviderError.notConfigured(
                provider: name, reason: "the instance has no IAM role (\(listURL) listed none)")
        }
        let roleURL = await client.url(credentialsPath + roleName).absoluteString
        do {
            let body = try await client.get(credentialsPath + roleName)
            return try MetadataCredentialsDocument.credentials(from: body, provider: name, url: roleURL)
        } catch let failure as InstanceMetadataClient.Failure {
            throw providerError(failure, url: roleURL, settings: settings, notFoundMeansNoRole: false)
        }
    }

    private static func providerError(
        _ failure: InstanceMetadataClient.Failure, url: String, settings: Settings, notFoundMeansNoRole: Bool
    ) -> CredentialProviderError {
        switch failure {
        case .unreachable(let reason):
            return .notConfigured(
                provider: name,
                reason: "no instance metadata service answered at \(settings.endpoint.absoluteString) "
                    + "(\(settings.attempts) attempt(s) of \(settings.timeout)): \(reason); in a pod on EC2 this also "
                    + "happens when the instance's metadata hop limit is 1")
        case .status(404, _) where notFoundMeansNoRole:
            return .notConfigured(provider: name, reason: "the instance has no IAM role (\(url) answered 404)")
        case .status(let status, let body):
            return .credentialEndpointFailed(
                provider: name, url: url,
                reason: "HTTP \(status): \(ContainerCredentialProvider.excerpt(body))",
                remedy: status == 403
                    ? "IMDS refused the request: check that the instance metadata service is enabled with tokens (IMDSv2)."
                    : "Check the instance's IAM role (instance profile), or set AWS_EC2_METADATA_DISABLED=true.")
        }
    }

    static func resolve(environment: [String: String]) throws(CredentialProviderError) -> Settings? {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
                return nil
            }
            return raw
        }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        let endpointText: String
        let endpointVariable: String
        if let configured = value("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            endpointText = configured
            endpointVariable = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
        } else {
            endpointVariable = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"
            switch value(endpointVariable)?.lowercased() {
            case nil, "ipv4": endpointText = ipv4Endpoint
            case "ipv6": endpointText = ipv6Endpoint
            case let other?:
                throw .invalidSetting(variable: endpointVariable, value: other, expected: "IPv4 or IPv6")
            }
        }
        guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme?.lowercased(),
              scheme == "http" || scheme == "https", endpoint.host != nil
        else {
            throw .invalidSetting(
                variable: endpointVariable, value: endpointText, expected: "an absolute http or https URL with a host")
        }
        let timeoutText = value("AWS_METADATA_SERVICE_TIMEOUT") ?? "1"
        guard let seconds = Double(timeoutText), seconds > 0, seconds <= 3600 else {
            throw .invalidSetting(
                variable: "AWS_METADATA_SERVICE_TIMEOUT", value: timeoutText, expected: "a number of seconds above 0")
        }
        let attemptsText = value("AWS_METADATA_SERVICE_NUM_ATTEMPTS") ?? "1"
        guard let attempts = Int(attemptsText), (1...10).contains(attempts) else {
            throw .invalidSetting(
                variable: "AWS_METADATA_SERVICE_NUM_ATTEMPTS", value: attemptsText, expected: "a whole number from 1 to 10")
        }
        return Settings(endpoint: endpoint, timeout: .milliseconds(Int64((seconds * 1000).rounded())), attempts: attempts)
    }
}
