/// The client ids the IAM OIDC provider must list (docs/design.md section 3, `manageOidcProvider`):
/// `sts.amazonaws.com` and every audience in use, so every resource's tokens are accepted.
public enum OIDCProviderClients {
    /// Sorted, without duplicates, always including `sts.amazonaws.com`.
    public static func clientIds(audiences: some Sequence<String>) -> [String] {
        Set(audiences).union([WorkloadAwsAccessSpec.defaultAudience]).sorted()
    }

    /// The ids to add to a provider that lists `existing` (AddClientIDToOpenIDConnectProvider, one call each).
    public static func missing(existing: some Sequence<String>, audiences: some Sequence<String>) -> [String] {
        let present = Set(existing)
        return clientIds(audiences: audiences).filter { !present.contains($0) }
    }
}
