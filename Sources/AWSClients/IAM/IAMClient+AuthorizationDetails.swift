import Foundation

/// One role as GetAccountAuthorizationDetails reports it: the role with its inline policies,
/// attached managed policies, tags and permissions boundary, all from one paged call instead of
/// five reads a role (docs/design.md section 12). IAM's RoleDetail carries no description and no
/// maximum session duration: a drift check built on it cannot see those two.
public struct IAMRoleDetail: Sendable, Equatable {
    public var path: String
    public var roleName: String
    public var roleId: String
    public var arn: String
    public var createDate: Date
    /// URL-decoded.
    public var assumeRolePolicyDocument: String?
    /// Inline policies, their documents URL-decoded.
    public var inlinePolicies: [RolePolicy]
    public var attachedPolicies: [AttachedPolicy]
    public var permissionsBoundaryArn: String?
    public var tags: [IAMTag]
}

extension IAMClient {
    /// Every role of the account with its policies and tags (GetAccountAuthorizationDetails with
    /// `Filter=Role`), following `Marker` while `IsTruncated`; `pageSize` sets `MaxItems` (IAM
    /// allows up to 1000). IAM has no path filter for this call: roles are filtered by
    /// `pathPrefix` here, after reading.
    public func roleAuthorizationDetails(pathPrefix: String = "/", pageSize: Int? = nil) async throws(AWSClientError) -> [IAMRoleDetail] {
        try require(pathPrefix, field: "pathPrefix")
        let roles = try await paginate("GetAccountAuthorizationDetails", [("Filter.member.1", "Role")], pageSize: pageSize) {
            result throws(XMLDecodingError) in
            var roles: [IAMRoleDetail] = []
            for member in result.element(at: ["RoleDetailList"])?.children(named: "member") ?? [] {
                guard let createDate = try member.date(at: ["CreateDate"]) else {
                    throw .missingElement(path: "RoleDetailList/member/CreateDate")
                }
                let roleName = try member.requiredText(at: ["RoleName"])
                var inline: [RolePolicy] = []
                for policy in member.element(at: ["RolePolicyList"])?.children(named: "member") ?? [] {
                    inline.append(RolePolicy(
                        roleName: roleName, policyName: try policy.requiredText(at: ["PolicyName"]),
                        policyDocument: Self.decodePolicyDocument(try policy.requiredText(at: ["PolicyDocument"]))))
                }
                var attached: [AttachedPolicy] = []
                for policy in member.element(at: ["AttachedManagedPolicies"])?.children(named: "member") ?? [] {
                    attached.append(AttachedPolicy(
                        policyName: try policy.requiredText(at: ["PolicyName"]), policyArn: try policy.requiredText(at: ["PolicyArn"])))
                }
                roles.append(IAMRoleDetail(
                    path: try member.requiredText(at: ["Path"]),
                    roleName: roleName,
                    roleId: try member.requiredText(at: ["RoleId"]),
                    arn: try member.requiredText(at: ["Arn"]),
                    createDate: createDate,
                    assumeRolePolicyDocument: member.text(at: ["AssumeRolePolicyDocument"]).map(Self.decodePolicyDocument),
                    inlinePolicies: inline,
                    attachedPolicies: attached,
                    permissionsBoundaryArn: member.text(at: ["PermissionsBoundary", "PermissionsBoundaryArn"]),
                    tags: try Self.decodeTags(member.element(at: ["Tags"]))))
            }
            return roles
        }
        return roles.filter { $0.path.hasPrefix(pathPrefix) }
    }
}
