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

    public init(
        path: String, roleName: String, roleId: String, arn: String, createDate: Date, assumeRolePolicyDocument: String?,
        inlinePolicies: [RolePolicy], attachedPolicies: [AttachedPolicy], permissionsBoundaryArn: String?, tags: [IAMTag]
    ) {
        self.path = path
        self.roleName = roleName
        self.roleId = roleId
        self.arn = arn
        self.createDate = createDate
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.inlinePolicies = inlinePolicies
        self.attachedPolicies = attachedPolicies
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.tags = tags
    }
}

/// One page of GetAccountAuthorizationDetails with `Filter=Role`: roles of every path (IAM has no
/// path filter for this call), and the marker that asks for the next page.
public struct RoleAuthorizationDetailsPage: Sendable, Equatable {
    public var roles: [IAMRoleDetail]
    /// IAM's `Marker` when `IsTruncated`; nil on the last page.
    public var nextMarker: String?

    public init(roles: [IAMRoleDetail], nextMarker: String?) {
        self.roles = roles
        self.nextMarker = nextMarker
    }
}

extension IAMClient {
    public func roleAuthorizationDetailsPage(marker: String?, pageSize: Int?) async throws(AWSClientError) -> RoleAuthorizationDetailsPage {
        // Each role is decoded as its element closes: the page's tree never holds all of its roles.
        let page = try await fetchStreamedPage(
            "GetAccountAuthorizationDetails", [("Filter.member.1", "Role")], pageSize: pageSize, marker: marker,
            itemPath: ["RoleDetailList", "member"], decodeItem: Self.decodeRoleDetail)
        return RoleAuthorizationDetailsPage(roles: page.items, nextMarker: page.nextMarker)
    }

    /// Every role of the account with its policies and tags (GetAccountAuthorizationDetails with
    /// `Filter=Role`), following `Marker` while `IsTruncated`; `pageSize` sets `MaxItems` (IAM
    /// allows up to 1000). IAM has no path filter for this call: roles are filtered by
    /// `pathPrefix` here, after reading.
    public func roleAuthorizationDetails(pathPrefix: String = "/", pageSize: Int? = nil) async throws(AWSClientError) -> [IAMRoleDetail] {
        try require(pathPrefix, field: "pathPrefix")
        let roles = try await paginate(
            "GetAccountAuthorizationDetails", [("Filter.member.1", "Role")], pageSize: pageSize, decodePage: Self.decodeRoleDetails)
        return roles.filter { $0.path.hasPrefix(pathPrefix) }
    }

    /// The `RoleDetailList` of one GetAccountAuthorizationDetails answer, documents URL-decoded.
    static func decodeRoleDetails(_ result: ParsedXMLElement) throws(XMLDecodingError) -> [IAMRoleDetail] {
        var roles: [IAMRoleDetail] = []
        for member in result.element(at: ["RoleDetailList"])?.children(named: "member") ?? [] {
            roles.append(try decodeRoleDetail(member))
        }
        return roles
    }

    /// One `RoleDetailList/member`, documents URL-decoded.
    static func decodeRoleDetail(_ member: ParsedXMLElement) throws(XMLDecodingError) -> IAMRoleDetail {
        guard let createDate = try member.date(at: ["CreateDate"]) else {
            throw .missingElement(path: "RoleDetailList/member/CreateDate")
        }
        let roleName = try member.requiredText(at: ["RoleName"])
        var inline: [RolePolicy] = []
        for policy in member.element(at: ["RolePolicyList"])?.children(named: "member") ?? [] {
            inline.append(RolePolicy(
                roleName: roleName, policyName: try policy.requiredText(at: ["PolicyName"]),
                policyDocument: decodePolicyDocument(try policy.requiredText(at: ["PolicyDocument"]))))
        }
        var attached: [AttachedPolicy] = []
        for policy in member.element(at: ["AttachedManagedPolicies"])?.children(named: "member") ?? [] {
            attached.append(AttachedPolicy(
                policyName: try policy.requiredText(at: ["PolicyName"]), policyArn: try policy.requiredText(at: ["PolicyArn"])))
        }
        return IAMRoleDetail(
            path: try member.requiredText(at: ["Path"]),
            roleName: roleName,
            roleId: try member.requiredText(at: ["RoleId"]),
            arn: try member.requiredText(at: ["Arn"]),
            createDate: createDate,
            assumeRolePolicyDocument: member.text(at: ["AssumeRolePolicyDocument"]).map(decodePolicyDocument),
            inlinePolicies: inline,
            attachedPolicies: attached,
            permissionsBoundaryArn: member.text(at: ["PermissionsBoundary", "PermissionsBoundaryArn"]),
            tags: try decodeTags(member.element(at: ["Tags"])))
    }
}
