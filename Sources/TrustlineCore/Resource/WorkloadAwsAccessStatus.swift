import KubeModels

/// `status` of a `WorkloadAwsAccess`: what the operator converged and what blocks it. Equatable so
/// the operator writes status only when it actually changes.
public struct WorkloadAwsAccessStatus: Codable, Sendable, Equatable, Hashable {
    public var observedGeneration: Int64?
    public var roleArn: String?
    public var roleName: String?
    public var serviceAccountName: String?
    public var oidcProviderArn: String?
    public var conditions: [Condition]

    public init(
        observedGeneration: Int64? = nil, roleArn: String? = nil, roleName: String? = nil,
        serviceAccountName: String? = nil, oidcProviderArn: String? = nil, conditions: [Condition] = []
    ) {
        self.observedGeneration = observedGeneration
        self.roleArn = roleArn
        self.roleName = roleName
        self.serviceAccountName = serviceAccountName
        self.oidcProviderArn = oidcProviderArn
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case observedGeneration, roleArn, roleName, serviceAccountName, oidcProviderArn, conditions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        observedGeneration = try container.decodeIfPresent(Int64.self, forKey: .observedGeneration)
        roleArn = try container.decodeIfPresent(String.self, forKey: .roleArn)
        roleName = try container.decodeIfPresent(String.self, forKey: .roleName)
        serviceAccountName = try container.decodeIfPresent(String.self, forKey: .serviceAccountName)
        oidcProviderArn = try container.decodeIfPresent(String.self, forKey: .oidcProviderArn)
        conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
    }

    /// The condition of the given type, if present.
    public func condition(_ type: ConditionType) -> Condition? {
        conditions.first { $0.type == type.rawValue }
    }
}
