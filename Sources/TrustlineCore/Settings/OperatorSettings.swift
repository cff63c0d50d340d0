/// Every operator setting of docs/design.md section 3 with its default. Built by `SettingsLoader` from the
/// config file, the environment and the flags; the CLI does the reading, this type stays pure.
public struct OperatorSettings: Sendable, Equatable {
    public static let defaultRolePath = "/trustline/"
    public static let defaultResyncPeriod: Duration = .seconds(600)
    public static let defaultOrphanGracePeriod: Duration = .seconds(600)
    public static let defaultConcurrency = 4

    /// Required. First part of every derived role name and the value of the `trustline.dev/cluster` tag.
    public var clusterName: String
    /// `nil`: discovered from the API server's `/.well-known/openid-configuration`.
    public var oidcIssuer: String?
    /// `nil`: STS GetCallerIdentity.
    public var awsAccountId: String?
    public var rolePath: String
    /// Applied to every role when set.
    public var permissionsBoundaryArn: String?
    public var manageOidcProvider: Bool
    /// The bucket OIDC publishing writes to (docs/design.md section 11); nil: no publishing.
    public var oidcPublishBucket: String? = nil
    /// Key prefix inside `oidcPublishBucket`, also the published issuer's path; empty for none.
    public var oidcPublishPrefix: String = ""
    /// Empty: all namespaces.
    public var watchNamespaces: [String]
    public var resyncPeriod: Duration
    /// How old a role tagged for this cluster whose uid no live resource has must be before the
    /// orphan sweep deletes it: long enough for a resource just created to reach the watch cache
    /// and for a CreateRole that timed out to have landed.
    public var orphanGracePeriod: Duration = OperatorSettings.defaultOrphanGracePeriod
    public var concurrency: Int
    /// The account-wide IAM request budget (docs/design.md section 12); 0 means none.
    public var iamRequestsPerSecond: Int = 0
    public var adoptionPolicy: AdoptionPolicy
    /// Globs with `${namespace}` naming untagged roles a resource may adopt through
    /// `spec.role.name` (`RoleAdoption`); empty adopts none.
    public var adoptableRoleNames: [String] = []
    public var guardrails: GuardrailSettings

    public init(
        clusterName: String,
        oidcIssuer: String? = nil,
        awsAccountId: String? = nil,
        rolePath: String = OperatorSettings.defaultRolePath,
        permissionsBoundaryArn: String? = nil,
        manageOidcProvider: Bool = false,
        watchNamespaces: [String] = [],
        resyncPeriod: Duration = OperatorSettings.defaultResyncPeriod,
        concurrency: Int = OperatorSettings.defaultConcurrency,
        adoptionPolicy: AdoptionPolicy = .never,
        guardrails: GuardrailSettings = GuardrailSettings()
    ) {
        self.clusterName = clusterName
        self.oidcIssuer = oidcIssuer
        self.awsAccountId = awsAccountId
        self.rolePath = rolePath
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.manageOidcProvider = manageOidcProvider
        self.watchNamespaces = watchNamespaces
        self.resyncPeriod = resyncPeriod
        self.concurrency = concurrency
        self.adoptionPolicy = adoptionPolicy
        self.guardrails = guardrails
    }
}

/// Whether an existing role without our uid tag may be taken over (see `OwnershipCheck`).
public enum AdoptionPolicy: String, Sendable, Equatable, CaseIterable {
    /// Default: a role we did not create with this resource's uid is never touched.
    case never = "Never"
    /// A role tagged with our cluster, namespace and name but another or no uid is adopted.
    case taggedOnly = "TaggedOnly"
}

/// The tenant-safety limits of docs/design.md section 3: what a resource may ask for at all.
public struct GuardrailSettings: Sendable, Equatable {
    public static let defaultDeniedActions = ["iam:*", "sts:*", "organizations:*", "account:*"]
    public static let defaultDeniedManagedPolicyArns = [
        "arn:*:iam::aws:policy/AdministratorAccess",
        "arn:*:iam::aws:policy/IAMFullAccess",
        "arn:*:iam::aws:policy/PowerUserAccess",
    ]

    /// Globs; empty allows every namespace.
    public var allowedNamespaces: [String]
    /// Globs; a match refuses the namespace even when it is also allowed.
    public var deniedNamespaces: [String]
    /// Action globs an Allow statement may not grant (glob intersection, case-insensitive).
    public var deniedActions: [String]
    /// ARN globs with `${namespace}`; empty allows every ARN not denied.
    public var allowedManagedPolicyArns: [String]
    /// ARN globs with `${namespace}`.
    public var deniedManagedPolicyArns: [String]
    public var quotas: QuotaSettings

    public init(
        allowedNamespaces: [String] = [],
        deniedNamespaces: [String] = [],
        deniedActions: [String] = GuardrailSettings.defaultDeniedActions,
        allowedManagedPolicyArns: [String] = [],
        deniedManagedPolicyArns: [String] = GuardrailSettings.defaultDeniedManagedPolicyArns,
        quotas: QuotaSettings = QuotaSettings()
    ) {
        self.allowedNamespaces = allowedNamespaces
        self.deniedNamespaces = deniedNamespaces
        self.deniedActions = deniedActions
        self.allowedManagedPolicyArns = allowedManagedPolicyArns
        self.deniedManagedPolicyArns = deniedManagedPolicyArns
        self.quotas = quotas
    }
}

/// IAM's size and count quotas, counted as IAM counts them (characters excluding whitespace).
/// Defaults are IAM's default quotas; raise them when the account's quotas were raised.
public struct QuotaSettings: Sendable, Equatable {
    /// Role trust policy length, non-whitespace characters (IAM default 2048, raisable to 4096).
    public var trustPolicySize: Int
    /// All inline policies of a role together, non-whitespace characters (IAM: 10240).
    public var inlinePolicySize: Int
    /// Managed policies attached to a role (IAM default 10, raisable to 20).
    public var managedPoliciesPerRole: Int
    /// Tags on a role, the four ownership tags included (IAM: 50).
    public var tagsPerRole: Int

    public init(trustPolicySize: Int = 2048, inlinePolicySize: Int = 10240, managedPoliciesPerRole: Int = 10, tagsPerRole: Int = 50) {
        self.trustPolicySize = trustPolicySize
        self.inlinePolicySize = inlinePolicySize
        self.managedPoliciesPerRole = managedPoliciesPerRole
        self.tagsPerRole = tagsPerRole
    }
}
