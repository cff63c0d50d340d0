import AWSSigV4
import Foundation

/// Credentials from STS AssumeRoleWithWebIdentity with the token in `AWS_WEB_IDENTITY_TOKEN_FILE` for the
/// role in `AWS_ROLE_ARN` (how IRSA hands pods an AWS identity). The token file is re-read on every
/// exchange because the kubelet rotates it; the STS credentials are cached and refreshed once they are
/// within `refreshWindow` of expiry, one refresh at a time.
public final class WebIdentityCredentialProvider: CredentialProvider {
    public static let name = "web identity"
    /// The SDKs' default: refresh at least 5 minutes before the credentials expire.
    public static let defaultRefreshWindow: TimeInterval = 300

    /// What the provider will use; `nil` when neither `AWS_ROLE_ARN` nor the token file is set.
    public struct Configuration: Sendable, Equatable {
        public var roleArn: String
        public var tokenFilePath: String
        public var roleSessionName: String
    }

    private let exchanger: any WebIdentityTokenExchanger
    private let configurationResult: Result<Configuration, CredentialProviderError>
    private let durationSeconds: Int?
    private let refreshWindow: TimeInterval
    private let clock: @Sendable () -> Date
    private let readFile: @Sendable (String) throws -> Data
    private let cache = RefreshingCredentialCache()

    /// - Parameters:
    ///   - roleArn, tokenFilePath, roleSessionName: override `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`
    ///     and `AWS_ROLE_SESSION_NAME`. The session name defaults to `trustline-<unix milliseconds>`.
    ///   - durationSeconds: requested credential lifetime; `nil` lets STS pick (one hour).
    ///   - refreshWindow: how long before expiry to refresh (default 5 minutes).
    ///   - clock: the current time, injectable for tests.
    ///   - readFile: reads the token file, injectable for tests.
    public init(
        exchanger: any WebIdentityTokenExchanger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        roleArn: String? = nil, tokenFilePath: String? = nil, roleSessionName: String? = nil,
        durationSeconds: Int? = nil, refreshWindow: TimeInterval = WebIdentityCredentialProvider.defaultRefreshWindow,
        clock: @escaping @Sendable () -> Date = { Date() },
        readFile: @escaping @Sendable (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    ) {
        self.exchanger = exchanger
        self.durationSeconds = durationSeconds
        self.refreshWindow = refreshWindow
        self.clock = clock
        self.readFile = readFile
        self.configurationResult = Self.resolveConfiguration(
            environment: environment, roleArn: roleArn, tokenFilePath: tokenFilePath,
            roleSessionName: roleSessionName, now: clock())
    }

    /// The resolved role, token file and session name, or the error explaining what is missing.
    public func configuration() throws -> Configuration { try configurationResult.get() }

    public func credentials() async throws -> AWSCredentials {
        let configuration = try configurationResult.get()
        let exchanger = self.exchanger
        let readFile = self.readFile
        let durationSeconds = self.durationSeconds
        return try await cache.credentials(now: clock(), refreshWindow: refreshWindow) {
            let token = try Self.readToken(path: configuration.tokenFilePath, readFile: readFile)
            return try await exchanger.assumeRoleWithWebIdentity(
                roleArn: configuration.roleArn, roleSessionName: configuration.roleSessionName,
                webIdentityToken: token, durationSeconds: durationSeconds)
        }
    }

    static func readToken(path: String, readFile: (String) throws -> Data) throws -> String {
        let data: Data
        do {
            data = try readFile(path)
        } catch {
            throw CredentialProviderError.webIdentityTokenUnreadable(path: path, reason: "\(error)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialProviderError.webIdentityTokenEmpty(path: path) }
        return token
    }

    static func resolveConfiguration(
        environment: [String: String], roleArn: String?, tokenFilePath: String?, roleSessionName: String?, now: Date
    ) -> Result<Configuration, CredentialProviderError> {
        func nonEmpty(_ value: String?) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        let role = nonEmpty(roleArn) ?? nonEmpty(environment["AWS_ROLE_ARN"])
        let tokenFile = nonEmpty(tokenFilePath) ?? nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
        switch (role, tokenFile) {
        case (nil, nil):
            return .failure(.notConfigured(
                provider: name, reason: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set"))
        case (.some, nil):
            return .failure(.incompleteEnvironment(set: "AWS_ROLE_ARN", missing: "AWS_WEB_IDENTITY_TOKEN_FILE"))
        case (nil, .some):
            return .failure(.incompleteEnvironment(set: "AWS_WEB_IDENTITY_TOKEN_FILE", missing: "AWS_ROLE_ARN"))
        case (.some(let role), .some(let tokenFile)):
            let sessionName = nonEmpty(roleSessionName) ?? nonEmpty(environment["AWS_ROLE_SESSION_NAME"])
                ?? "trustline-\(Int64((now.timeIntervalSince1970 * 1000).rounded(.down)))"
            guard isValidRoleSessionName(sessionName) else { return .failure(.invalidRoleSessionName(sessionName)) }
            return .success(Configuration(roleArn: role, tokenFilePath: tokenFile, roleSessionName: sessionName))
        }
    }

    /// STS's rule for `RoleSessionName`: 2 to 64 characters from `[\w+=,.@-]`.
    static func isValidRoleSessionName(_ name: String) -> Bool {
        guard (2...64).contains(name.unicodeScalars.count) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": true
            default: false
            }
        }
    }
}
