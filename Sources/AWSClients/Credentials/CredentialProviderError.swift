/// Why no credentials could be produced, with a message that names the variable, file or key at fault
/// and says what to set. `notConfigured` is the "this source is not set up" case a chain skips over.
public enum CredentialProviderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The provider's source is not set up at all (for example no `AWS_ACCESS_KEY_ID`); a chain moves on.
    case notConfigured(provider: String, reason: String)
    /// No provider in the chain had credentials; `tried` holds one "provider: reason" line per provider.
    case noCredentials(tried: [String])
    /// One variable of a pair is set without the other (for example `AWS_ACCESS_KEY_ID` without the secret).
    case incompleteEnvironment(set: String, missing: String)
    /// The web identity token file could not be read.
    case webIdentityTokenUnreadable(path: String, reason: String)
    /// The web identity token file is empty.
    case webIdentityTokenEmpty(path: String)
    /// A role session name that STS would reject.
    case invalidRoleSessionName(String)
    /// `AWS_PROFILE` (or an explicit profile) names a profile found in neither file.
    case profileNotFound(profile: String, files: [String])
    /// The profile exists but lacks a key it needs.
    case profileIncomplete(profile: String, file: String, missing: String)
    /// The profile gets credentials in a way this client does not implement (for example `role_arn`).
    case profileUnsupported(profile: String, file: String, key: String)
    /// A shared config or credentials file could not be parsed.
    case malformedProfileFile(path: String, line: Int, reason: String)
    /// `variable` holds a credential endpoint URL the SDKs refuse to send a token to (for example plain
    /// http to a host that is neither loopback nor a container metadata address).
    case credentialEndpointRejected(variable: String, url: String, reason: String)
    /// The container authorization token (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`) could not be read or is not a legal header value.
    case containerAuthorizationTokenInvalid(variable: String, reason: String)
    /// A credential setting (for example `AWS_METADATA_SERVICE_TIMEOUT`) has a value the SDKs would refuse.
    case invalidSetting(variable: String, value: String, expected: String)
    /// A credential endpoint (container or instance metadata) answered with an error or not at all.
    case credentialEndpointFailed(provider: String, url: String, reason: String, remedy: String)
    /// A credential endpoint answered 200 with a body that is not a usable credentials document.
    case malformedCredentialResponse(provider: String, url: String, reason: String)

    public var description: String {
        switch self {
        case .notConfigured(let provider, let reason):
            return "\(provider): \(reason)"
        case .noCredentials(let tried):
            return "No AWS credentials found. Tried, in order:\n"
                + tried.map { "  - \($0)" }.joined(separator: "\n")
                + "\nSet AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), "
                + "or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), "
                + "or a profile in ~/.aws/credentials selected with AWS_PROFILE, "
                + "or AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity, ECS), "
                + "or give the EC2 instance an IAM role (instance metadata)."
        case .incompleteEnvironment(let set, let missing):
            return "\(set) is set but \(missing) is not: set both, or unset \(set)."
        case .webIdentityTokenUnreadable(let path, let reason):
            return "cannot read the web identity token file \(path) (AWS_WEB_IDENTITY_TOKEN_FILE): \(reason). "
                + "Check that the projected service-account token volume is mounted at that path."
        case .webIdentityTokenEmpty(let path):
            return "the web identity token file \(path) (AWS_WEB_IDENTITY_TOKEN_FILE) is empty."
        case .invalidRoleSessionName(let name):
            return "role session name '\(name)' (AWS_ROLE_SESSION_NAME) is invalid: it must be 2 to 64 characters "
                + "of letters, digits and + = , . @ - _."
        case .profileNotFound(let profile, let files):
            return "profile '\(profile)' (AWS_PROFILE) was not found in \(files.joined(separator: " or ")). "
                + "Add a [\(profile)] section to the credentials file or [profile \(profile)] to the config file, "
                + "or unset AWS_PROFILE."
        case .profileIncomplete(let profile, let file, let missing):
            return "profile '\(profile)' in \(file) has no \(missing): add it, or choose another profile with AWS_PROFILE."
        case .profileUnsupported(let profile, let file, let key):
            return "profile '\(profile)' in \(file) uses '\(key)', which this client does not support: "
                + "give the profile aws_access_key_id and aws_secret_access_key, or use environment variables "
                + "or web identity."
        case .malformedProfileFile(let path, let line, let reason):
            return "\(path), line \(line): \(reason)."
        case .credentialEndpointRejected(let variable, let url, let reason):
            return "\(variable) is '\(url)': \(reason). Use https, or http to a loopback address, "
                + "169.254.170.2, 169.254.170.23 or fd00:ec2::23."
        case .invalidSetting(let variable, let value, let expected):
            return "\(variable) is '\(value)': it must be \(expected)."
        case .containerAuthorizationTokenInvalid(let variable, let reason):
            return "the container authorization token (\(variable)) \(reason)."
        case .credentialEndpointFailed(let provider, let url, let reason, let remedy):
            return "\(provider) credentials from \(url): \(reason). \(remedy)"
        case .malformedCredentialResponse(let provider, let url, let reason):
            return "\(provider) credentials from \(url): \(reason); the endpoint must answer a JSON object with "
                + "AccessKeyId, SecretAccessKey, Token and Expiration."
        }
    }
}
