/// What rendering needs beyond the resource: the operator's settings plus the facts resolved at
/// start (partition, account id, OIDC issuer). The reconciler builds one; tests build them directly.
public struct RenderingContext: Sendable, Equatable {
    public var clusterName: String
    public var partition: String
    public var accountId: String
    /// The issuer URL, e.g. `https://oidc.example.com/id/ABC`.
    public var oidcIssuer: String
    public var rolePath: String
    public var permissionsBoundaryArn: String?

    public init(clusterName: String, partition: String = "aws", accountId: String, oidcIssuer: String, rolePath: String = OperatorSettings.defaultRolePath, permissionsBoundaryArn: String? = nil) {
        self.clusterName = clusterName
        self.partition = partition
        self.accountId = accountId
        self.oidcIssuer = oidcIssuer
        self.rolePath = rolePath
        self.permissionsBoundaryArn = permissionsBoundaryArn
    }

    /// From settings plus the resolved account id, issuer and partition.
    public init(settings: OperatorSettings, partition: String, accountId: String, oidcIssuer: String) {
        self.init(
            clusterName: settings.clusterName, partition: partition, accountId: accountId, oidcIssuer: oidcIssuer,
            rolePath: settings.rolePath, permissionsBoundaryArn: settings.permissionsBoundaryArn)
    }

    /// The issuer without `https://` and without a trailing `/`: the IAM OIDC provider's name and
    /// the prefix of the `:sub` and `:aud` condition keys.
    public var issuerHostAndPath: String {
        var text = Substring(oidcIssuer)
        if text.hasPrefix("https://") { text = text.dropFirst("https://".count) }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }

    /// `arn:P:iam::ACCT:oidc-provider/ISS`.
    public var oidcProviderArn: String {
        "arn:\(partition):iam::\(accountId):oidc-provider/\(issuerHostAndPath)"
    }

    /// The partition of an AWS region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
    public static func partition(forRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }
}
