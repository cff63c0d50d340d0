import Foundation

extension IAMClient {
    public func putRolePolicy(roleName: String, policyName: String, policyDocument: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(policyName, field: "policyName")
        try require(policyDocument, field: "policyDocument")
        try await perform(
            "PutRolePolicy",
            [("RoleName", roleName), ("PolicyName", policyName), ("PolicyDocument", policyDocument)])
    }

    public func getRolePolicy(roleName: String, policyName: String) async throws(AWSClientError) -> RolePolicy {
        try require(roleName, field: "roleName")
        try require(policyName, field: "policyName")
        return try await perform("GetRolePolicy", [("RoleName", roleName), ("PolicyName", policyName)]) {
            result throws(XMLDecodingError) in
            RolePolicy(
                roleName: try result.requiredText(at: ["RoleName"]),
                policyName: try result.requiredText(at: ["PolicyName"]),
                policyDocument: Self.decodePolicyDocument(try result.requiredText(at: ["PolicyDocument"])))
        }
    }

    public func listRolePolicies(roleName: String) async throws(AWSClientError) -> [String] {
        try await listRolePolicies(roleName: roleName, pageSize: nil)
    }

    /// Names of the role's inline policies; `pageSize` sets `MaxItems` per page.
    public func listRolePolicies(roleName: String, pageSize: Int?) async throws(AWSClientError) -> [String] {
        try require(roleName, field: "roleName")
        return try await paginate("ListRolePolicies", [("RoleName", roleName)], pageSize: pageSize) {
            result throws(XMLDecodingError) in
            result.memberTexts(at: ["PolicyNames"])
        }
    }

    public func deleteRolePolicy(roleName: String, policyName: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(policyName, field: "policyName")
        try await perform("DeleteRolePolicy", [("RoleName", roleName), ("PolicyName", policyName)])
    }

    public func attachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(policyArn, field: "policyArn")
        try await perform("AttachRolePolicy", [("RoleName", roleName), ("PolicyArn", policyArn)])
    }

    public func detachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        try require(policyArn, field: "policyArn")
        try await perform("DetachRolePolicy", [("RoleName", roleName), ("PolicyArn", policyArn)])
    }

    public func listAttachedRolePolicies(roleName: String) async throws(AWSClientError) -> [AttachedPolicy] {
        try await listAttachedRolePolicies(roleName: roleName, pageSize: nil)
    }

    /// The managed policies attached to the role; `pageSize` sets `MaxItems` per page.
    public func listAttachedRolePolicies(roleName: String, pageSize: Int?) async throws(AWSClientError) -> [AttachedPolicy] {
        try require(roleName, field: "roleName")
        return try await paginate("ListAttachedRolePolicies", [("RoleName", roleName)], pageSize: pageSize) {
            result throws(XMLDecodingError) in
            var policies: [AttachedPolicy] = []
            for member in result.element(at: ["AttachedPolicies"])?.children(named: "member") ?? [] {
                policies.append(AttachedPolicy(
                    policyName: try member.requiredText(at: ["PolicyName"]),
                    policyArn: try member.requiredText(at: ["PolicyArn"])))
            }
            return policies
        }
    }
}
