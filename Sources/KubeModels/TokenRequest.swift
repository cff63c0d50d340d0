/// `authentication.k8s.io/v1` TokenRequest: asks the API server to mint a short-lived,
/// audience-bound ServiceAccount token (`serviceaccounts/{name}/token`). `trustline verify`
/// exchanges such a token with STS.
public struct TokenRequest: Codable, Sendable, Equatable {
    public static let apiVersionValue = "authentication.k8s.io/v1"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var spec: TokenRequestSpec
    public var status: TokenRequestStatus?

    public init(metadata: ObjectMeta? = nil, spec: TokenRequestSpec, status: TokenRequestStatus? = nil) {
        self.apiVersion = Self.apiVersionValue
        self.kind = "TokenRequest"
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// What token is wanted: audiences, lifetime, and optionally an object the token is bound to.
public struct TokenRequestSpec: Codable, Sendable, Equatable {
    public var audiences: [String]
    public var expirationSeconds: Int64?
    public var boundObjectRef: BoundObjectReference?

    public init(audiences: [String], expirationSeconds: Int64? = nil, boundObjectRef: BoundObjectReference? = nil) {
        self.audiences = audiences
        self.expirationSeconds = expirationSeconds
        self.boundObjectRef = boundObjectRef
    }
}

/// The minted token and when it expires (RFC 3339).
public struct TokenRequestStatus: Codable, Sendable, Equatable {
    public var token: String
    public var expirationTimestamp: String

    public init(token: String, expirationTimestamp: String) {
        self.token = token
        self.expirationTimestamp = expirationTimestamp
    }
}

/// `authentication.k8s.io/v1` BoundObjectReference: a Pod or Secret whose deletion revokes the token.
public struct BoundObjectReference: Codable, Sendable, Equatable {
    public var kind: String?
    public var apiVersion: String?
    public var name: String?
    public var uid: String?

    public init(kind: String? = nil, apiVersion: String? = nil, name: String? = nil, uid: String? = nil) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.name = name
        self.uid = uid
    }
}
