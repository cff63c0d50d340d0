import Foundation

extension IAMClient {
    public func createRole(_ request: CreateRoleRequest) async throws(AWSClientError) -> IAMRole {
        try require(request.roleName, field: "roleName")
        try require(request.assumeRolePolicyDocument, field: "assumeRolePolicyDocument")
        var parameters: [(String, String)] = [
            ("RoleName", request.roleName),
            ("AssumeRolePolicyDocument", request.assumeRolePolicyDocument),
        ]
        if let path = request.path { parameters.append(("Path", path)) }
        if let description = request.description { parameters.append(("Description", description)) }
        if let duration = request.maxSessionDuration { parameters.append(("MaxSessionDuration", String(duration))) }
        if let boundary = request.permissionsBoundaryArn { parameters.append(("PermissionsBoundary", boundary)) }
        parameters += Self.tagParameters(request.tags)
        return try await perform("CreateRole", parameters) { result throws(XMLDecodingError) in
            try Self.decodeRole(try result.requiredElement(at: ["Role"]))
        }
    }

    public func getRole(roleName: String) async throws(AWSClientError) -> IAMRole {
        try require(roleName, field: "roleName")
        return try await perform("GetRole", [("RoleName", roleName)]) { result throws(XMLDecodingError) in
            try Self.decodeRole(try result.requiredElement(at: ["Role"]))
        }
    }

    public func updateRole(roleName: String, description: String?, maxSessionDuration: Int?) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        var parameters: [(String, String)] = [("RoleName", roleName)]
        if let description { parameters.append(("Description", description)) }
        if let maxSessionDuration { parameters.append(("MaxSessionDuration", String(maxSessionDuration))) }
        try await perform("UpdateRole", parameters)
    }

    public func updateAssumeRolePolicy(roleName: String, policyDocument: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(policyDocument, field: "policyDocument")
        try await perform("UpdateAssumeRolePolicy", [("RoleName", roleName), ("PolicyDocument", policyDocument)])
    }

    public func deleteRole(roleName: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try await perform("DeleteRole", [("RoleName", roleName)])
    }

    public func putRolePermissionsBoundary(roleName: String, permissionsBoundaryArn: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(permissionsBoundaryArn, field: "permissionsBoundaryArn")
        try await perform(
            "PutRolePermissionsBoundary", [("RoleName", roleName), ("PermissionsBoundary", permissionsBoundaryArn)])
    }

    public func deleteRolePermissionsBoundary(roleName: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try await perform("DeleteRolePermissionsBoundary", [("RoleName", roleName)])
    }

    static func decodeRole(_ role: ParsedXMLElement) throws(XMLDecodingError) -> IAMRole {
        guard let createDate = try role.date(at: ["CreateDate"]) else {
            throw .missingElement(path: "Role/CreateDate")
        }
        return IAMRole(
            path: try role.requiredText(at: ["Path"]),
            roleName: try role.requiredText(at: ["RoleName"]),
            roleId: try role.requiredText(at: ["RoleId"]),
            arn: try role.requiredText(at: ["Arn"]),
            createDate: createDate,
            assumeRolePolicyDocument: role.text(at: ["AssumeRolePolicyDocument"]).map(decodePolicyDocument),
            description: role.text(at: ["Description"]),
            maxSessionDuration: try role.integer(at: ["MaxSessionDuration"]),
            permissionsBoundaryArn: role.text(at: ["PermissionsBoundary", "PermissionsBoundaryArn"]),
            tags: try decodeTags(role.child("Tags"))
        )
    }
}
