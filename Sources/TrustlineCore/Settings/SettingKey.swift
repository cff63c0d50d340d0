/// One operator setting and its three spellings (docs/design.md section 3): the camelCase key of the
/// config file (dotted when nested: `guardrails.quotas.tagsPerRole`), the kebab-case flag and the
/// upper-snake-case environment variable, derived mechanically from the key. The lists below are
/// the only place a setting is declared: the command line's flags and help (`SettingArguments`,
/// `SettingsHelp`), the environment layer and the file layer are all made from them.
public struct SettingKey: Sendable, Hashable {
    /// How the raw text of the setting is read.
    public enum Kind: Sendable, Hashable {
        case string, bool, integer, duration, list
    }

    /// Dotted camelCase path, e.g. `guardrails.deniedActions`.
    public var key: String
    public var kind: Kind
    public var summary: String
    /// What the flag's value is called in `--help` (`--cluster-name <name>`); nil for a boolean,
    /// whose flag takes no value.
    public var valueName: String?

    /// `value` names the flag's value in `--help`; without it the kind's usual name is used.
    public init(_ key: String, _ kind: Kind, _ summary: String, value: String? = nil) {
        self.key = key
        self.kind = kind
        self.summary = summary
        switch kind {
        case .bool: valueName = nil
        case .string: valueName = value ?? "value"
        case .integer: valueName = value ?? "n"
        case .duration: valueName = value ?? "duration"
        case .list: valueName = value ?? "glob,..."
        }
    }

    /// `--guardrails-denied-actions` for `guardrails.deniedActions`.
    public var flag: String { "--" + words.joined(separator: "-") }
    /// `--no-manage-oidc-provider` for `manageOidcProvider`: how a boolean is turned off on the
    /// command line over an environment variable or the file that turned it on.
    public var negatedFlag: String { "--no-" + words.joined(separator: "-") }
    /// `TRUSTLINE_GUARDRAILS_DENIED_ACTIONS` for `guardrails.deniedActions`.
    public var environmentVariable: String { "TRUSTLINE_" + words.joined(separator: "_").uppercased() }

    private var words: [String] {
        var result: [String] = []
        for part in key.split(separator: ".") {
            var current = ""
            for character in part {
                if character.isUppercase, !current.isEmpty {
                    result.append(current)
                    current = ""
                }
                current.append(Character(character.lowercased()))
            }
            if !current.isEmpty { result.append(current) }
        }
        return result
    }

    /// Every setting of docs/design.md section 3, then those of the process itself (`ProcessSettings`).
    public static let all: [SettingKey] = operatorSettings + processSettings

    /// The settings of the process: endpoints, leader election, logging (docs/design.md section 6).
    public static let processSettings: [SettingKey] = [
        SettingKey("metricsBindAddress", .string, "Address of the Prometheus /metrics endpoint, host:port; 0 disables it (default :8080).", value: "address"),
        SettingKey("healthProbeBindAddress", .string, "Address of the /healthz and /readyz endpoints, host:port; 0 disables them (default :8081).", value: "address"),
        SettingKey(
            "leaderElect", .bool,
            "Campaign for the Lease trustline-leader in the operator's namespace (see namespace) and reconcile only while leading (default false)."),
        SettingKey("namespace", .string, "Namespace the operator runs in, where its leader Lease lives (default: the pod's namespace, else default).", value: "namespace"),
        SettingKey("logFormat", .string, "Log line format on stderr: logfmt or json (default logfmt).", value: "format"),
        SettingKey("logLevel", .string, "Least severe level logged: trace, debug, info, notice, warning, error (default info).", value: "level"),
    ]

    /// The settings of docs/design.md section 3: what the operator converges and how.
    public static let operatorSettings: [SettingKey] = [
        SettingKey("clusterName", .string, "Name of this cluster; first part of derived role names (required).", value: "name"),
        SettingKey("oidcIssuer", .string, "OIDC issuer URL of the cluster (default: discovered from the API server).", value: "url"),
        SettingKey("awsAccountId", .string, "AWS account id (default: STS GetCallerIdentity).", value: "id"),
        SettingKey("rolePath", .string, "IAM path of the roles (default /trustline/).", value: "path"),
        SettingKey("permissionsBoundaryArn", .string, "Permissions boundary applied to every role.", value: "arn"),
        SettingKey("manageOidcProvider", .bool, "Create the IAM OIDC provider if missing (default false)."),
        SettingKey("oidcPublishBucket", .string, "S3 bucket the operator publishes the cluster's OIDC discovery documents to; its issuer becomes https://BUCKET.s3.REGION.amazonaws.com (default: no publishing).", value: "bucket"),
        SettingKey("oidcPublishPrefix", .string, "Key prefix of the published documents inside oidcPublishBucket, also the issuer's path (default none).", value: "prefix"),
        SettingKey("watchNamespaces", .list, "Namespaces to watch (default all).", value: "ns,..."),
        SettingKey("resyncPeriod", .duration, "IAM drift check period, jittered by at most 10% (default 10m)."),
        SettingKey(
            "orphanGracePeriod", .duration,
            "Age a role tagged for this cluster must reach before the orphan sweep deletes it when no resource has its uid (default 10m)."),
        SettingKey("concurrency", .integer, "Resources reconciled at once (default 4)."),
        SettingKey(
            "iamRequestsPerSecond", .integer,
            "IAM requests per second this operator may send, shared by reconciles and sweeps; writes go first when both wait; 0 sends at once (default 0).",
            value: "n"),
        SettingKey("adoptionPolicy", .string, "Never (default) or TaggedOnly.", value: "policy"),
        SettingKey(
            "adoptableRoleNames", .list,
            "Role name globs with ${namespace}: an untagged role named by spec.role.name and matching one is adopted in place (default none).",
            value: "glob,..."),
        SettingKey("guardrails.allowedNamespaces", .list, "Namespace globs allowed to use Trustline (default all)."),
        SettingKey("guardrails.deniedNamespaces", .list, "Namespace globs refused."),
        SettingKey("guardrails.deniedActions", .list, "Action globs an Allow statement may not grant (default iam:*, sts:*, organizations:*, account:*)."),
        SettingKey("guardrails.allowedManagedPolicyArns", .list, "Managed policy ARN globs allowed, with ${namespace} (default all not denied)."),
        SettingKey("guardrails.deniedManagedPolicyArns", .list, "Managed policy ARN globs refused, with ${namespace} (default AdministratorAccess, IAMFullAccess, PowerUserAccess)."),
        SettingKey("guardrails.quotas.trustPolicySize", .integer, "Trust policy size limit in non-whitespace characters (default 2048).", value: "chars"),
        SettingKey("guardrails.quotas.inlinePolicySize", .integer, "Aggregate inline policy size limit per role in non-whitespace characters (default 10240).", value: "chars"),
        SettingKey("guardrails.quotas.managedPoliciesPerRole", .integer, "Managed policies per role (default 10)."),
        SettingKey("guardrails.quotas.tagsPerRole", .integer, "Tags per role, ownership tags included (default 50)."),
    ]

    /// Looks a setting up by its dotted key.
    public static func named(_ key: String) -> SettingKey? {
        all.first { $0.key == key }
    }
}

/// A setting's raw value before typing: flags and files may give lists, the environment gives
/// text (a list there is comma-separated).
public enum RawSetting: Sendable, Hashable {
    case scalar(String)
    case list([String])
}
