import AWSSigV4
import Foundation
import HTTPTransport

/// Credentials from the container credential endpoint: EKS Pod Identity and ECS set
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (or `_RELATIVE_URI`) and an authorization token, and answer a GET
/// with temporary credentials as JSON. The token file (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, which
/// wins over `AWS_CONTAINER_AUTHORIZATION_TOKEN`) is re-read on every fetch because the kubelet rotates it;
/// credentials are cached and refreshed `refreshWindow` before they expire.
///
/// Like the SDKs: 2 s per attempt and 3 attempts 1 s apart. Unlike botocore, which retries every
/// failure, only transport failures and 5xx answers are retried: a 4xx answer (a wrong or expired
/// token) or an unusable body fails at once with what to fix. `AccountId` in the answer is read but
/// not kept (the signer has no use for it).
public final class ContainerCredentialProvider: CredentialProvider {
    public static let name = "container"
    public static let tokenFileVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
    public static let tokenVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
    public static let defaultTimeout: Duration = .seconds(2)
    public static let defaultAttempts = 3

    private let httpClient: any HTTPClient
    private let endpointResult: Result<ContainerCredentialEndpoint?, CredentialProviderError>
    private let tokenFilePath: String?
    private let fixedToken: String?
    private let timeout: Duration
    private let attempts: Int
    private let retryPause: Duration
    private let refreshWindow: TimeInterval
    private let clock: @Sendable () -> Date
    private let readFile: @Sendable (String) throws -> Data
    private let cache = RefreshingCredentialCache()

    /// - Parameters:
    ///   - retryPause: the wait between attempts (1 s as in the SDKs; tests shorten it).
    ///   - readFile: reads the token file, injectable for tests.
    public init(
        httpClient: any HTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = ContainerCredentialProvider.defaultTimeout,
        attempts: Int = ContainerCredentialProvider.defaultAttempts,
        retryPause: Duration = .seconds(1),
        refreshWindow: TimeInterval = WebIdentityCredentialProvider.defaultRefreshWindow,
        clock: @escaping @Sendable () -> Date = { Date() },
        readFile: @escaping @Sendable (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    ) {
        self.httpClient = httpClient
        endpointResult = Result { () throws(CredentialProviderError) in
            try ContainerCredentialEndpoint.resolve(environment: environment)
        }
        func nonEmpty(_ value: String?) -> String? {
            guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return value
        }
        tokenFilePath = nonEmpty(environment[Self.tokenFileVariable])?.trimmingCharacters(in: .whitespaces)
        fixedToken = nonEmpty(environment[Self.tokenVariable])
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retryPause = retryPause
        self.refreshWindow = refreshWindow
        self.clock = clock
        self.readFile = readFile
    }

    /// The endpoint the provider will use, or the error explaining why the configured one is refused.
    public func endpoint() throws -> ContainerCredentialEndpoint? { try endpointResult.get() }

    public func credentials() async throws -> AWSCredentials {
        guard let endpoint = try endpointResult.get() else {
            throw CredentialProviderError.notConfigured(
                provider: Self.name,
                reason: "\(ContainerCredentialEndpoint.fullURIVariable) and "
                    + "\(ContainerCredentialEndpoint.relativeURIVariable) are not set")
        }
        return try await cache.credentials(now: clock(), refreshWindow: refreshWindow) { [self] in
            try await fetch(from: endpoint)
        }
    }

    private func fetch(from endpoint: ContainerCredentialEndpoint) async throws -> AWSCredentials {
        var request = HTTPRequest(method: "GET", url: endpoint.url, timeout: timeout)
        request.headers["Accept"] = "application/json"
        if let token = try authorizationToken() { request.headers["Authorization"] = token }
        let url = endpoint.url.absoluteString
        var lastFailure = ""
        for attempt in 1...attempts {
            if attempt > 1 { try await Task.sleep(for: retryPause) }
            let response: HTTPResponse
            do {
                response = try await httpClient.send(request)
            } catch HTTPTransportError.cancelled {
                throw CancellationError()
            } catch {
                lastFailure = "no answer (\(error))"
                continue
            }
            switch response.status {
            case 200:
                return try MetadataCredentialsDocument.credentials(from: response.body, provider: Self.name, url: url)
            case 500...599:
                lastFailure = "HTTP \(response.status): \(Self.excerpt(response.body))"
            default:
                throw CredentialProviderError.credentialEndpointFailed(
                    provider: Self.name, url: url,
                    reason: "HTTP \(response.status): \(Self.excerpt(response.body))",
                    remedy: response.status == 401 || response.status == 403
                        ? "Check the token in \(tokenSourceName) (for EKS Pod Identity: the pod's eks-pod-identity-token volume and the Pod Identity association)."
                        : "Check \(endpoint.variable).")
            }
        }
        throw CredentialProviderError.credentialEndpointFailed(
            provider: Self.name, url: url,
            reason: "\(lastFailure) after \(attempts) attempt(s) of \(timeout) each",
            remedy: "Check that the credential agent (EKS Pod Identity Agent or the ECS agent) runs and that \(endpoint.variable) is right.")
    }

    private var tokenSourceName: String {
        tokenFilePath != nil ? Self.tokenFileVariable : Self.tokenVariable
    }

    /// The token from the file (read now) or the variable; `nil` when neither is set.
    private func authorizationToken() throws -> String? {
        let token: String
        let variable: String
        if let tokenFilePath {
            variable = Self.tokenFileVariable
            let data: Data
            do {
                data = try readFile(tokenFilePath)
            } catch {
                throw CredentialProviderError.containerAuthorizationTokenInvalid(
                    variable: variable,
                    reason: "cannot be read from \(tokenFilePath): \(error); check that the token volume is mounted there")
            }
            // A trailing newline (as an editor writes) is not part of the token.
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fixedToken {
            variable = Self.tokenVariable
            token = fixedToken
        } else {
            return nil
        }
        guard !token.isEmpty else {
            throw CredentialProviderError.containerAuthorizationTokenInvalid(variable: variable, reason: "is empty")
        }
        guard !token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            throw CredentialProviderError.containerAuthorizationTokenInvalid(
                variable: variable, reason: "contains a line break, which is not a legal header value")
        }
        return token
    }

    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "empty body" : text
    }
}
