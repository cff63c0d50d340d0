/// Range and shape checks of settings, shared by the loader and by code that builds
/// `OperatorSettings` directly (tests, the reconciler).
public enum SettingsValidation {
    /// Throws the first setting that is out of range or malformed.
    public static func check(_ settings: OperatorSettings) throws(SettingsError) {
        if let problem = clusterNameProblem(settings.clusterName) {
            throw SettingsError(setting: "clusterName", message: problem)
        }
        if let issuer = settings.oidcIssuer, !issuer.hasPrefix("https://") {
            throw SettingsError(setting: "oidcIssuer", message: "\"\(issuer)\" must be an https:// URL")
        }
        if let account = settings.awsAccountId, !(account.count == 12 && account.allSatisfy { $0.isASCII && $0.isNumber }) {
            throw SettingsError(setting: "awsAccountId", message: "\"\(account)\" must be 12 digits")
        }
        if let problem = IAMNames.pathProblem(settings.rolePath) {
            throw SettingsError(setting: "rolePath", message: problem)
        }
        if let boundary = settings.permissionsBoundaryArn, !IAMNames.isManagedPolicyArn(boundary) {
            throw SettingsError(setting: "permissionsBoundaryArn", message: "\"\(boundary)\" is not a managed policy ARN like arn:aws:iam::123456789012:policy/boundary")
        }
        if let bucket = settings.oidcPublishBucket, let problem = OIDCPublishTarget.bucketProblem(bucket, explicitIssuer: settings.oidcIssuer != nil) {
            throw SettingsError(setting: "oidcPublishBucket", message: problem)
        }
        if let problem = OIDCPublishTarget.prefixProblem(settings.oidcPublishPrefix) {
            throw SettingsError(setting: "oidcPublishPrefix", message: problem)
        }
        if settings.resyncPeriod <= .zero {
            throw SettingsError(setting: "resyncPeriod", message: "must be positive, e.g. 10m")
        }
        if settings.orphanGracePeriod <= .zero {
            throw SettingsError(setting: "orphanGracePeriod", message: "must be positive, e.g. 10m")
        }
        if settings.concurrency < 1 {
            throw SettingsError(setting: "concurrency", message: "must be at least 1")
        }
        if settings.iamRequestsPerSecond < 0 || settings.iamRequestsPerSecond > 10_000 {
            throw SettingsError(setting: "iamRequestsPerSecond", message: "must be between 0 (no budget) and 10000 requests per second")
        }
        if let problem = settings.adoptableRoleNames.lazy.compactMap(RoleAdoption.problem).first {
            throw SettingsError(setting: "adoptableRoleNames", message: problem)
        }
        let quotas = settings.guardrails.quotas
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("guardrails.quotas.trustPolicySize", quotas.trustPolicySize, 1...4096),
            ("guardrails.quotas.inlinePolicySize", quotas.inlinePolicySize, 1...10240),
            ("guardrails.quotas.managedPoliciesPerRole", quotas.managedPoliciesPerRole, 0...20),
            ("guardrails.quotas.tagsPerRole", quotas.tagsPerRole, OwnershipTags.keys.count...50),
        ]
        for (key, value, range) in checks where !range.contains(value) {
            throw SettingsError(setting: key, message: "\(value) is outside IAM's range \(range.lowerBound)...\(range.upperBound)")
        }
        for (key, patterns) in [
            ("guardrails.deniedActions", settings.guardrails.deniedActions),
        ] {
            for pattern in patterns where pattern.isEmpty || pattern.contains(where: { $0.isWhitespace }) {
                throw SettingsError(setting: key, message: "\"\(pattern)\" is not an action glob like iam:* or s3:Delete*")
            }
        }
    }

    /// Characters a cluster name may hold: lowercase letters, digits and `+ = @ _ -`.
    public static let clusterNameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789+=@_-".unicodeScalars)

    /// Why `name` cannot be a cluster name, or `nil` when it can. The cluster name starts every
    /// derived role name `{cluster}.{namespace}.{name}`, and two clusters sharing an account must
    /// never derive the same one. Namespaces hold no dots, so the first two dots split a derived
    /// name back into its parts exactly when the cluster name has no dot. IAM compares role names
    /// ignoring case, so `Prod` and `prod` would derive the same role: only lowercase is allowed.
    /// The name is also the value of the cluster ownership tag, and IAM tag values refuse `,`.
    /// What remains of IAM's role name characters is `[a-z0-9+=@_-]`.
    public static func clusterNameProblem(_ name: String) -> String? {
        let rule = "use 1 to 63 characters of lowercase letters, digits and + = @ _ -, unique among the clusters sharing the AWS account"
        if name.isEmpty || name.unicodeScalars.count > 63 {
            return "\"\(name)\" is \(name.unicodeScalars.count) characters long: \(rule)"
        }
        if name.contains(".") {
            let replaced = name.replacingDots()
            return "\"\(name)\" contains a dot, so another cluster could derive the same IAM role names ({clusterName}.{namespace}.{name}); \(rule), e.g. \(replaced)"
        }
        if name.unicodeScalars.contains(where: { ("A"..."Z").contains($0) }) {
            return "\"\(name)\" contains uppercase letters, and IAM role names ignore case, so a cluster named \"\(name.lowercased())\" would derive the same IAM role names; \(rule), e.g. \(name.lowercased())"
        }
        if let bad = name.unicodeScalars.first(where: { !clusterNameCharacters.contains($0) }) {
            return "\"\(name)\" contains \"\(bad)\", which IAM role names or the \(OwnershipTags.cluster) tag value cannot hold; \(rule)"
        }
        return nil
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "." ? "-" : $0 }))
    }
}
