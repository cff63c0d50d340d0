import TrustlineCore

/// The facts the operator resolves once at start (account id, partition, OIDC issuer and its
/// certificate thumbprints) that every reconcile renders with. Kept apart from `OperatorSettings`,
/// which holds what the administrator configured.
public struct OperatorEnvironment: Sendable, Equatable {
    /// The AWS account the roles live in, from settings or STS GetCallerIdentity.
    public var accountId: String
    /// `aws`, `aws-cn` or `aws-us-gov`.
    public var partition: String
    /// The issuer URL, `https://...`, from settings or the API server's discovery document.
    public var oidcIssuer: String
    /// SHA-1 thumbprints of the issuer's CA, used only when `manageOidcProvider` creates the provider.
    public var oidcThumbprints: [String]

    public init(accountId: String, partition: String = "aws", oidcIssuer: String, oidcThumbprints: [String] = []) {
        self.accountId = accountId
        self.partition = partition
        self.oidcIssuer = oidcIssuer
        self.oidcThumbprints = oidcThumbprints
    }

    /// What core's rendering needs: these facts plus the settings.
    public func renderingContext(settings: OperatorSettings) -> RenderingContext {
        RenderingContext(settings: settings, partition: partition, accountId: accountId, oidcIssuer: oidcIssuer)
    }
}
