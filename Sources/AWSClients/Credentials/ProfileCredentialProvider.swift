import AWSSigV4
import Foundation

/// Static keys from the shared AWS files: `~/.aws/credentials` (`[name]` sections) and `~/.aws/config`
/// (`[profile name]` sections, `[default]`), with the profile chosen by `AWS_PROFILE`. The credentials
/// file wins where both set a key, as in the AWS SDKs.
public struct ProfileCredentialProvider: CredentialProvider {
    public static let name = "shared profile"
    /// Keys that mean the profile gets credentials some other way, which this provider does not implement.
    static let unsupportedSourceKeys = [
        "role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file",
        "credential_source",
    ]

    public let profileName: String
    public let credentialsFilePath: String
    public let configFilePath: String
    /// Whether the profile was asked for (parameter or `AWS_PROFILE`); a missing explicit profile is an error,
    /// a missing `default` only means "not configured".
    private let profileIsExplicit: Bool

    /// - Parameters:
    ///   - profile: overrides `AWS_PROFILE`; `default` when both are absent.
    ///   - credentialsFilePath: overrides `AWS_SHARED_CREDENTIALS_FILE`, else `<home>/.aws/credentials`.
    ///   - configFilePath: overrides `AWS_CONFIG_FILE`, else `<home>/.aws/config`.
    ///   - homeDirectory: defaults to `HOME`, then the user's home directory.
    public init(
        profile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        credentialsFilePath: String? = nil, configFilePath: String? = nil, homeDirectory: String? = nil
    ) {
        func nonEmpty(_ value: String?) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let home = nonEmpty(homeDirectory) ?? nonEmpty(environment["HOME"]) ?? NSHomeDirectory()
        func expand(_ path: String) -> String {
            if path == "~" { return home }
            if path.hasPrefix("~/") { return home + path.dropFirst() }
            return path
        }
        let explicitProfile = nonEmpty(profile) ?? nonEmpty(environment["AWS_PROFILE"])
        self.profileName = explicitProfile ?? "default"
        self.profileIsExplicit = explicitProfile != nil
        self.credentialsFilePath = expand(
            nonEmpty(credentialsFilePath) ?? nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials")
        self.configFilePath = expand(
            nonEmpty(configFilePath) ?? nonEmpty(environment["AWS_CONFIG_FILE"]) ?? "~/.aws/config")
    }

    public func credentials() throws -> AWSCredentials {
        let credentialsFile = try SharedProfileFile.load(path: credentialsFilePath)
        let configFile = try SharedProfileFile.load(path: configFilePath)
        let fromCredentials = credentialsFile?.values(ofSection: profileName)
        let fromConfig: [String: String]?
        if profileName == "default" {
            let plain = configFile?.values(ofSection: "default")
            let prefixed = configFile?.values(ofSection: "profile default")
            fromConfig = plain == nil && prefixed == nil ? nil : (plain ?? [:]).merging(prefixed ?? [:]) { _, new in new }
        } else {
            fromConfig = configFile?.values(ofSection: "profile \(profileName)")
        }

        guard fromCredentials != nil || fromConfig != nil else {
            if profileName != "default", let misnamed = configFile?.sections.first(where: { $0.name == profileName }) {
                throw CredentialProviderError.malformedProfileFile(
                    path: configFilePath, line: misnamed.line,
                    reason: "section [\(profileName)] is ignored in the config file: name it [profile \(profileName)]")
            }
            if profileIsExplicit {
                throw CredentialProviderError.profileNotFound(
                    profile: profileName, files: [credentialsFilePath, configFilePath])
            }
            throw CredentialProviderError.notConfigured(
                provider: Self.name,
                reason: "no [default] profile in \(credentialsFilePath) or \(configFilePath)")
        }

        let values = (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, fromCredentialsFile in fromCredentialsFile }
        let file = fromCredentials != nil ? credentialsFilePath : configFilePath
        func value(_ key: String) -> String? {
            guard let value = values[key], !value.isEmpty else { return nil }
            return value
        }
        switch (value("aws_access_key_id"), value("aws_secret_access_key")) {
        case (.some(let accessKeyId), .some(let secretAccessKey)):
            return AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                sessionToken: value("aws_session_token") ?? value("aws_security_token"))
        case (.some, nil):
            throw CredentialProviderError.profileIncomplete(profile: profileName, file: file, missing: "aws_secret_access_key")
        case (nil, .some):
            throw CredentialProviderError.profileIncomplete(profile: profileName, file: file, missing: "aws_access_key_id")
        case (nil, nil):
            if let key = Self.unsupportedSourceKeys.first(where: { value($0) != nil }) {
                throw CredentialProviderError.profileUnsupported(profile: profileName, file: file, key: key)
            }
            guard profileIsExplicit else {
                throw CredentialProviderError.notConfigured(
                    provider: Self.name, reason: "profile 'default' in \(file) has no aws_access_key_id")
            }
            throw CredentialProviderError.profileIncomplete(
                profile: profileName, file: file, missing: "aws_access_key_id and aws_secret_access_key")
        }
    }
}
