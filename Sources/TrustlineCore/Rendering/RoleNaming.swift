import Digests

/// Derives role names and ARNs (docs/design.md section 4 step 2). `{clusterName}.{namespace}.{name}`
/// cannot collide between resources because namespaces hold no dots; past 64 characters the name
/// is cut and ends in `-` plus 8 hex characters of the SHA-256 of the full name.
public enum RoleNaming {
    /// Length of the hex suffix of a shortened name.
    public static let hashLength = 8

    /// The derived name for a resource, deterministic and always a valid IAM role name when the
    /// parts hold only `[\w+=,.@-]` (Kubernetes names and a valid cluster name do).
    public static func derivedName(clusterName: String, namespace: String, name: String) -> String {
        shorten("\(clusterName).\(namespace).\(name)")
    }

    /// `full` when it fits in 64 characters, else its first 55 characters, `-` and 8 hex characters of SHA-256(full).
    public static func shorten(_ full: String) -> String {
        let scalars = Array(full.unicodeScalars)
        guard scalars.count > IAMNames.roleNameMaxLength else { return full }
        let hex = Hex.lowercase(SHA256Digest.hash(full.utf8))
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: scalars.prefix(IAMNames.roleNameMaxLength - hashLength - 1))
        return String(prefix) + "-" + hex.prefix(hashLength)
    }

    /// The role name a resource uses: `spec.role.name` when set, else the derived one.
    public static func roleName(for resource: WorkloadAwsAccess, clusterName: String) -> String {
        if let explicit = resource.spec.role.name, !explicit.isEmpty { return explicit }
        return derivedName(clusterName: clusterName, namespace: resource.namespace, name: resource.name)
    }

    /// The role path a resource uses: `spec.role.path` when set, else the operator's.
    public static func rolePath(for resource: WorkloadAwsAccess, defaultPath: String) -> String {
        if let explicit = resource.spec.role.path, !explicit.isEmpty { return explicit }
        return defaultPath
    }

    /// `arn:P:iam::ACCT:role{path}{name}`.
    public static func roleArn(partition: String, accountId: String, path: String, name: String) -> String {
        "arn:\(partition):iam::\(accountId):role\(path)\(name)"
    }

    /// The ARN of the role a resource names (its `roleName` under its `rolePath`) in `context`'s
    /// account and partition.
    public static func roleArn(for resource: WorkloadAwsAccess, context: RenderingContext) -> String {
        roleArn(
            partition: context.partition, accountId: context.accountId,
            path: rolePath(for: resource, defaultPath: context.rolePath), name: roleName(for: resource, clusterName: context.clusterName))
    }

    /// The ServiceAccount a resource names: `spec.serviceAccount.name` when set, else `metadata.name`.
    public static func serviceAccountName(for resource: WorkloadAwsAccess) -> String {
        if let explicit = resource.spec.serviceAccount.name, !explicit.isEmpty { return explicit }
        return resource.name
    }

    /// Whether `roleName` is the name derived from the resource. An explicit `spec.role.name`
    /// usually names a role that exists already (one to adopt, or someone else's): it is observed
    /// first, so a foreign role never sees a refused CreateRole (a denied write in CloudTrail).
    public static func isDerivedName(_ roleName: String, for owner: OwnerIdentity) -> Bool {
        let derived = RoleNaming.derivedName(clusterName: owner.clusterName, namespace: owner.namespace, name: owner.name)
        return roleName.lowercased() == derived.lowercased()
    }
}
