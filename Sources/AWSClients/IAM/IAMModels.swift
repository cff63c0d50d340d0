import Foundation

/// A tag on an IAM resource.
public struct IAMTag: Sendable, Equatable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM role as GetRole and CreateRole return it, with its trust policy already URL-decoded.
public struct IAMRole: Sendable, Equatable {
    public var path: String
    public var roleName: String
    public var roleId: String
    public var arn: String
    public var createDate: Date
    /// The trust policy JSON, URL-decoded.
    public var assumeRolePolicyDocument: String?
    public var description: String?
    public var maxSessionDuration: Int?
    public var permissionsBoundaryArn: String?
    public var tags: [IAMTag]

    public init(
        path: String, roleName: String, roleId: String, arn: String, createDate: Date,
        assumeRolePolicyDocument: String?, description: String?, maxSessionDuration: Int?,
        permissionsBoundaryArn: String?, tags: [IAMTag]
    ) {
        self.path = path
        self.roleName = roleName
        self.roleId = roleId
        self.arn = arn
        self.createDate = createDate
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.tags = tags
    }
}

/// Everything CreateRole sets in one call, so a new role never exists without its boundary or tags.
public struct CreateRoleRequest: Sendable, Equatable {
    public var roleName: String
    public var assumeRolePolicyDocument: String
    public var path: String?
    public var description: String?
    public var maxSessionDuration: Int?
    public var permissionsBoundaryArn: String?
    public var tags: [IAMTag]

    public init(
        roleName: String, assumeRolePolicyDocument: String, path: String? = nil, description: String? = nil,
        maxSessionDuration: Int? = nil, permissionsBoundaryArn: String? = nil, tags: [IAMTag] = []
    ) {
        self.roleName = roleName
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.path = path
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.tags = tags
    }
}

/// An inline policy of a role, its document URL-decoded.
public struct RolePolicy: Sendable, Equatable {
    public var roleName: String
    public var policyName: String
    public var policyDocument: String

    public init(roleName: String, policyName: String, policyDocument: String) {
        self.roleName = roleName
        self.policyName = policyName
        self.policyDocument = policyDocument
    }
}

/// A managed policy attached to a role.
public struct AttachedPolicy: Sendable, Equatable, Hashable {
    public var policyName: String
    public var policyArn: String

    public init(policyName: String, policyArn: String) {
        self.policyName = policyName
        self.policyArn = policyArn
    }
}

/// Input of CreateOpenIDConnectProvider.
public struct CreateOpenIDConnectProviderRequest: Sendable, Equatable {
    /// The issuer URL, `https://...`.
    public var url: String
    public var clientIds: [String]
    /// SHA-1 thumbprints (40 hex characters) of the issuer's certificate chain.
    public var thumbprints: [String]
    public var tags: [IAMTag]

    public init(url: String, clientIds: [String], thumbprints: [String], tags: [IAMTag] = []) {
        self.url = url
        self.clientIds = clientIds
        self.thumbprints = thumbprints
        self.tags = tags
    }
}

/// An IAM OpenID Connect provider as GetOpenIDConnectProvider returns it.
public struct OpenIDConnectProvider: Sendable, Equatable {
    /// The issuer as IAM stores it: host and path, without `https://`.
    public var url: String
    public var clientIds: [String]
    public var thumbprints: [String]
    public var createDate: Date?
    public var tags: [IAMTag]

    public init(url: String, clientIds: [String], thumbprints: [String], createDate: Date?, tags: [IAMTag]) {
        self.url = url
        self.clientIds = clientIds
        self.thumbprints = thumbprints
        self.createDate = createDate
        self.tags = tags
    }
}
