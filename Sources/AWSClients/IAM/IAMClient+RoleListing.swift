extension IAMClient {
    public func listRoles(pathPrefix: String) async throws(AWSClientError) -> [IAMRole] {
        try await listRoles(pathPrefix: pathPrefix, pageSize: nil)
    }

    /// Every role whose path starts with `pathPrefix`, following pagination; `pageSize` sets
    /// `MaxItems` per page. IAM's ListRoles returns no tags and no permissions boundary (read them
    /// with ListRoleTags or GetRole), and its trust policy documents as they are, not URL-encoded.
    public func listRoles(pathPrefix: String, pageSize: Int?) async throws(AWSClientError) -> [IAMRole] {
        try require(pathPrefix, field: "pathPrefix")
        return try await paginate("ListRoles", [("PathPrefix", pathPrefix)], pageSize: pageSize) {
            result throws(XMLDecodingError) in
            var roles: [IAMRole] = []
            for member in result.element(at: ["Roles"])?.children(named: "member") ?? [] {
                guard let createDate = try member.date(at: ["CreateDate"]) else {
                    throw .missingElement(path: "Roles/member/CreateDate")
                }
                roles.append(IAMRole(
                    path: try member.requiredText(at: ["Path"]),
                    roleName: try member.requiredText(at: ["RoleName"]),
                    roleId: try member.requiredText(at: ["RoleId"]),
                    arn: try member.requiredText(at: ["Arn"]),
                    createDate: createDate,
                    assumeRolePolicyDocument: member.text(at: ["AssumeRolePolicyDocument"]),
                    description: member.text(at: ["Description"]),
                    maxSessionDuration: try member.integer(at: ["MaxSessionDuration"]),
                    permissionsBoundaryArn: nil,
                    tags: []))
            }
            return roles
        }
    }
}
