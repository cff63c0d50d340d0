import KubeModels

/// The desired access of a `WorkloadAwsAccess`. Every field has the default of docs/design.md section 1
/// applied while decoding, because the operator may see objects the API server did not default
/// (for example manifests read by `trustline plan`).
public struct WorkloadAwsAccessSpec: Codable, Sendable, Equatable, Hashable {
    public static let defaultAudience = "sts.amazonaws.com"

    public var serviceAccount: ServiceAccountSpec
    public var role: RoleSpec
    public var audience: String
    public var inlinePolicies: [InlinePolicy]
    public var managedPolicyArns: [String]
    /// `nil` leaves the `eks.amazonaws.com/sts-regional-endpoints` annotation off.
    public var stsRegionalEndpoints: Bool?
    /// `nil` leaves the `eks.amazonaws.com/token-expiration` annotation off. 600..86400.
    public var tokenExpirationSeconds: Int?
    public var deletionPolicy: DeletionPolicy

    public init(
        serviceAccount: ServiceAccountSpec = ServiceAccountSpec(),
        role: RoleSpec = RoleSpec(),
        audience: String = WorkloadAwsAccessSpec.defaultAudience,
        inlinePolicies: [InlinePolicy] = [],
        managedPolicyArns: [String] = [],
        stsRegionalEndpoints: Bool? = nil,
        tokenExpirationSeconds: Int? = nil,
        deletionPolicy: DeletionPolicy = .delete
    ) {
        self.serviceAccount = serviceAccount
        self.role = role
        self.audience = audience
        self.inlinePolicies = inlinePolicies
        self.managedPolicyArns = managedPolicyArns
        self.stsRegionalEndpoints = stsRegionalEndpoints
        self.tokenExpirationSeconds = tokenExpirationSeconds
        self.deletionPolicy = deletionPolicy
    }

    private enum CodingKeys: String, CodingKey {
        case serviceAccount, role, audience, inlinePolicies, managedPolicyArns, stsRegionalEndpoints, tokenExpirationSeconds, deletionPolicy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serviceAccount = try container.decodeIfPresent(ServiceAccountSpec.self, forKey: .serviceAccount) ?? ServiceAccountSpec()
        role = try container.decodeIfPresent(RoleSpec.self, forKey: .role) ?? RoleSpec()
        audience = try container.decodeIfPresent(String.self, forKey: .audience) ?? Self.defaultAudience
        inlinePolicies = try container.decodeIfPresent([InlinePolicy].self, forKey: .inlinePolicies) ?? []
        managedPolicyArns = try container.decodeIfPresent([String].self, forKey: .managedPolicyArns) ?? []
        stsRegionalEndpoints = try container.decodeIfPresent(Bool.self, forKey: .stsRegionalEndpoints)
        tokenExpirationSeconds = try container.decodeIfPresent(Int.self, forKey: .tokenExpirationSeconds)
        deletionPolicy = try container.decodeIfPresent(DeletionPolicy.self, forKey: .deletionPolicy) ?? .delete
    }
}

/// `spec.serviceAccount`: which ServiceAccount gets the role, and whether the operator creates it.
public struct ServiceAccountSpec: Codable, Sendable, Equatable, Hashable {
    /// Empty or `nil` means `metadata.name`.
    public var name: String?
    /// `true` (default): create the ServiceAccount if missing; `false`: only annotate an existing one.
    public var create: Bool

    public init(name: String? = nil, create: Bool = true) {
        self.name = name
        self.create = create
    }

    private enum CodingKeys: String, CodingKey { case name, create }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        create = try container.decodeIfPresent(Bool.self, forKey: .create) ?? true
    }
}

/// `spec.role`: the user-settable attributes of the IAM role. The trust policy is deliberately absent.
public struct RoleSpec: Codable, Sendable, Equatable, Hashable {
    public static let defaultMaxSessionDurationSeconds = 3600

    /// Empty or `nil` means the derived name `{clusterName}.{namespace}.{name}`.
    public var name: String?
    /// Empty or `nil` means the operator's `rolePath`.
    public var path: String?
    public var description: String
    public var maxSessionDurationSeconds: Int
    /// User tags; keys under `trustline.dev/` are reserved for ownership tags.
    public var tags: [String: String]

    public init(name: String? = nil, path: String? = nil, description: String = "", maxSessionDurationSeconds: Int = RoleSpec.defaultMaxSessionDurationSeconds, tags: [String: String] = [:]) {
        self.name = name
        self.path = path
        self.description = description
        self.maxSessionDurationSeconds = maxSessionDurationSeconds
        self.tags = tags
    }

    private enum CodingKeys: String, CodingKey { case name, path, description, maxSessionDurationSeconds, tags }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        maxSessionDurationSeconds = try container.decodeIfPresent(Int.self, forKey: .maxSessionDurationSeconds) ?? Self.defaultMaxSessionDurationSeconds
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }
}

/// One entry of `spec.inlinePolicies`: a named IAM policy document kept as free-form JSON.
public struct InlinePolicy: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var document: JSONValue

    public init(name: String, document: JSONValue) {
        self.name = name
        self.document = document
    }
}

/// `spec.deletionPolicy`. Kept as an open string so an unexpected value decodes and is reported
/// by validation with its field path instead of failing the whole object.
public struct DeletionPolicy: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Remove the role and our ServiceAccount changes when the resource is deleted.
    public static let delete = DeletionPolicy(rawValue: "Delete")
    /// Leave IAM alone when the resource is deleted.
    public static let retain = DeletionPolicy(rawValue: "Retain")
    public static let allowed: [DeletionPolicy] = [.delete, .retain]

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
