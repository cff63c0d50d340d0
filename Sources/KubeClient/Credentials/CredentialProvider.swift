import Foundation
import HTTPTransport

/// What one request carries to prove who it is: an `Authorization` header value and/or a
/// client certificate (exec plugins may return one).
public struct RequestCredentials: Sendable, Equatable {
    /// The full header value, e.g. `Bearer abc` or `Basic dXNlcjpwYXNz`.
    public var authorization: String?
    public var clientCertificate: TLSConfiguration.Source?
    public var clientKey: TLSConfiguration.Source?

    public init(
        authorization: String? = nil,
        clientCertificate: TLSConfiguration.Source? = nil,
        clientKey: TLSConfiguration.Source? = nil
    ) {
        self.authorization = authorization
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }
}

/// Supplies credentials for requests and refreshes them when the server rejects them. The
/// client asks before each request and calls `invalidate()` after a 401.
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> RequestCredentials
    /// Drops cached credentials after a 401. Returns true when fresh ones may differ, so one
    /// retry is worth it.
    func invalidate() async -> Bool
}

/// Credentials that never change: none, a fixed token, or basic auth.
public struct StaticCredentialProvider: CredentialProvider {
    public var value: RequestCredentials

    public init(_ value: RequestCredentials) { self.value = value }

    public func credentials() async throws -> RequestCredentials { value }
    public func invalidate() async -> Bool { false }
}

extension Authentication {
    /// The provider for this authentication method. `now` and `runner` are injectable for tests.
    public func makeProvider(
        configuration: KubeConfiguration,
        environment: ConfigurationEnvironment = .process,
        runner: any CommandRunner = ProcessCommandRunner(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> any CredentialProvider {
        switch self {
        case .none:
            return StaticCredentialProvider(RequestCredentials())
        case .bearerToken(let token):
            return StaticCredentialProvider(RequestCredentials(authorization: "Bearer \(token)"))
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            return StaticCredentialProvider(RequestCredentials(authorization: "Basic \(encoded)"))
        case .tokenFile(let path):
            return TokenFileCredentialProvider(path: path, readFile: environment.readFile, now: now)
        case .exec(let exec):
            return ExecCredentialProvider(
                configuration: exec, cluster: configuration, runner: runner,
                baseEnvironment: environment.variables, now: now)
        }
    }
}
