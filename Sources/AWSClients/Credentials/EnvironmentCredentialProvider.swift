import AWSSigV4
import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`
/// (or the legacy `AWS_SECURITY_TOKEN`), the first source the AWS SDKs consult.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public static let name = "environment"
    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func credentials() throws -> AWSCredentials {
        let accessKeyId = value("AWS_ACCESS_KEY_ID")
        let secretAccessKey = value("AWS_SECRET_ACCESS_KEY")
        switch (accessKeyId, secretAccessKey) {
        case (nil, nil):
            throw CredentialProviderError.notConfigured(
                provider: Self.name, reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (.some, nil):
            throw CredentialProviderError.incompleteEnvironment(set: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY")
        case (nil, .some):
            throw CredentialProviderError.incompleteEnvironment(set: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID")
        case (.some(let accessKeyId), .some(let secretAccessKey)):
            return AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                sessionToken: value("AWS_SESSION_TOKEN") ?? value("AWS_SECURITY_TOKEN"))
        }
    }

    /// The variable's value, trimmed; empty counts as unset.
    private func value(_ name: String) -> String? {
        guard let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
            return nil
        }
        return raw
    }
}
