import KubeModels

extension IAMAction {
    /// IAM Query API version.
    public static let apiVersion = "2010-05-08"

    /// The exact Query API parameters of the call (`Action`, `Version` and the arguments, policy
    /// documents as compact canonical JSON, tags as `Tags.member.N.Key/Value` sorted by key).
    /// The IAM client form-encodes these; `trustline plan --output json` can print them.
    public var queryParameters: [String: String] {
        var parameters = ["Action": apiName, "Version": Self.apiVersion, "RoleName": roleName]
        switch self {
        case .createRole(let request):
            parameters["Path"] = request.path
            parameters["AssumeRolePolicyDocument"] = PolicyCanonicalizer.wireText(request.trustPolicy)
            if !request.description.isEmpty { parameters["Description"] = request.description }
            parameters["MaxSessionDuration"] = String(request.maxSessionDuration)
            if let boundary = request.permissionsBoundaryArn { parameters["PermissionsBoundary"] = boundary }
            Self.addTags(request.tags, to: &parameters)
        case .updateAssumeRolePolicy(_, let document):
            parameters["PolicyDocument"] = PolicyCanonicalizer.wireText(document)
        case .updateRole(_, let description, let duration):
            parameters["Description"] = description
            parameters["MaxSessionDuration"] = String(duration)
        case .putRolePermissionsBoundary(_, let arn):
            parameters["PermissionsBoundary"] = arn
        case .deleteRolePermissionsBoundary, .deleteRole:
            break
        case .putRolePolicy(_, let name, let document):
            parameters["PolicyName"] = name
            parameters["PolicyDocument"] = PolicyCanonicalizer.wireText(document)
        case .deleteRolePolicy(_, let name):
            parameters["PolicyName"] = name
        case .attachRolePolicy(_, let arn), .detachRolePolicy(_, let arn):
            parameters["PolicyArn"] = arn
        case .tagRole(_, let tags):
            Self.addTags(tags, to: &parameters)
        case .untagRole(_, let keys):
            for (index, key) in keys.sorted().enumerated() {
                parameters["TagKeys.member.\(index + 1)"] = key
            }
        }
        return parameters
    }

    private static func addTags(_ tags: [String: String], to parameters: inout [String: String]) {
        for (index, key) in tags.keys.sorted().enumerated() {
            parameters["Tags.member.\(index + 1).Key"] = key
            parameters["Tags.member.\(index + 1).Value"] = tags[key] ?? ""
        }
    }
}
