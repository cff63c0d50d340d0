import AWSSigV4

/// Who the signing credentials belong to, as STS GetCallerIdentity says.
public struct CallerIdentity: Sendable, Equatable {
    public var userId: String
    public var account: String
    public var arn: String

    public init(userId: String, account: String, arn: String) {
        self.userId = userId
        self.account = account
        self.arn = arn
    }
}

/// The result of AssumeRoleWithWebIdentity: temporary credentials and the assumed-role identity.
public struct WebIdentitySession: Sendable {
    public var credentials: AWSCredentials
    /// `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`.
    public var assumedRoleArn: String
    public var assumedRoleId: String
    public var subjectFromWebIdentityToken: String?
    public var audience: String?

    public init(
        credentials: AWSCredentials, assumedRoleArn: String, assumedRoleId: String,
        subjectFromWebIdentityToken: String?, audience: String?
    ) {
        self.credentials = credentials
        self.assumedRoleArn = assumedRoleArn
        self.assumedRoleId = assumedRoleId
        self.subjectFromWebIdentityToken = subjectFromWebIdentityToken
        self.audience = audience
    }
}
