import KubeModels

// JSON forms for `trustline plan --output json`: stable field names, sets as sorted lists.

extension DesiredRole: Encodable {
    private enum CodingKeys: String, CodingKey {
        case name, path, arn, description, maxSessionDuration, permissionsBoundaryArn, trustPolicy, inlinePolicies, managedPolicyArns, tags
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(path, forKey: .path)
        try container.encode(arn, forKey: .arn)
        try container.encode(description, forKey: .description)
        try container.encode(maxSessionDuration, forKey: .maxSessionDuration)
        try container.encodeIfPresent(permissionsBoundaryArn, forKey: .permissionsBoundaryArn)
        try container.encode(trustPolicy, forKey: .trustPolicy)
        try container.encode(inlinePolicies, forKey: .inlinePolicies)
        try container.encode(managedPolicyArns.sorted(), forKey: .managedPolicyArns)
        try container.encode(tags, forKey: .tags)
    }
}


extension IAMAction: Encodable {
    private enum CodingKeys: String, CodingKey {
        case action, summary, parameters
    }

    /// `{"action": "PutRolePolicy", "summary": "...", "parameters": {...Query API parameters...}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiName, forKey: .action)
        try container.encode(summary, forKey: .summary)
        try container.encode(queryParameters, forKey: .parameters)
    }
}
