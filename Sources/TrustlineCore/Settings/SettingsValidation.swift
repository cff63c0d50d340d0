/// Range and shape checks of settings, shared by the loader and by code that builds
/// `OperatorSettings` directly (tests, the reconciler).
public enum SettingsValidation {
    /// Throws the first setting that is out of range or malformed.
    public static func check(_ settings: OperatorSettings) throws(SettingsError) {
        if !IAMNames.isValidRoleNameCharacters(settings.clusterName) || settings.clusterName.count > 63 {
            throw SettingsError(setting: "clusterName", message: "\"\(settings.clusterName)\" must be 1 to 63 characters of letters, digits and + = , . @ _ - (it starts every derived IAM role name)")
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
        if settings.resyncPeriod <= .zero {
            throw SettingsError(setting: "resyncPeriod", message: "must be positive, e.g. 10m")
        }
        if settings.orphanGracePeriod <= .zero {
            throw SettingsError(setting: "orphanGracePeriod", message: "must be positive, e.g. 10m")
        }
        if settings.concurrency < 1 {
            throw SettingsError(setting: "concurrency", message: "must be at least 1")
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
}
