import AWSClients

/// Managed policies in the in-memory IAM: versions with documents and a default version, read
/// with GetPolicy and GetPolicyVersion as IAM answers them (NoSuchEntity for an unknown ARN or
/// version).
extension InMemoryIAM {
    struct StoredManagedPolicy: Sendable, Equatable {
        /// Documents by version id (`v1`, `v2`, ...).
        var versions: [String: String]
        var defaultVersionId: String

        init(document: String) {
            versions = ["v1": document]
            defaultVersionId = "v1"
        }
    }

    /// AWS managed policies with their documents as AWS (and moto's catalogue) publishes them;
    /// ReadOnlyAccess is abridged to a few of its hundreds of actions, keeping its IAM reads.
    static let awsManagedPolicies: [String: String] = [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
        "arn:aws:iam::aws:policy/AdministratorAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        "arn:aws:iam::aws:policy/ReadOnlyAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}"#,
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess":
            #"{"Version":"2012-10-17","Statement":[{"Sid":"GeneralReadOnlyAccess","Effect":"Allow","Action":["dynamodb:Describe*","dynamodb:List*","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan","iam:GetRole","iam:ListRoles"],"Resource":"*"}]}"#,
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess":
            #"{"Version":"2012-10-17","Statement":[{"Action":["sqs:*"],"Effect":"Allow","Resource":"*"}]}"#,
        "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole":
            #"{"Version":"2012-10-17","Statement":[{"Sid":"ProjectS3Buckets","Effect":"Allow","Action":["s3:*"],"Resource":"*"},{"Sid":"ProjectWorkerRoles","Effect":"Allow","Action":["iam:AttachRolePolicy","iam:CreateRole","iam:GetRole","iam:PassRole","iam:PutRolePolicy"],"Resource":"*"}]}"#,
    ]

    /// Creates the managed policy `arn` with `document` as v1, or adds `document` as its next
    /// version and makes that the default, as CreatePolicyVersion with SetAsDefault does.
    func putManagedPolicy(_ arn: String, document: String) {
        state.withLock { state in
            guard var policy = state.managedPolicies[arn] else {
                state.managedPolicies[arn] = StoredManagedPolicy(document: document)
                return
            }
            let versionId = "v\(policy.versions.count + 1)"
            policy.versions[versionId] = document
            policy.defaultVersionId = versionId
            state.managedPolicies[arn] = policy
        }
    }

    func getPolicy(policyArn: String) async throws(AWSClientError) -> ManagedPolicy {
        try await perform("GetPolicy", detail: policyArn) { (state: inout State) throws(AWSClientError) -> ManagedPolicy in
            guard let policy = state.managedPolicies[policyArn] else { throw Self.noSuchPolicy(policyArn) }
            return ManagedPolicy(arn: policyArn, policyName: String(policyArn.split(separator: "/").last ?? ""), defaultVersionId: policy.defaultVersionId)
        }
    }

    func getPolicyVersion(policyArn: String, versionId: String) async throws(AWSClientError) -> ManagedPolicyVersion {
        try await perform("GetPolicyVersion", detail: policyArn) { (state: inout State) throws(AWSClientError) -> ManagedPolicyVersion in
            guard let policy = state.managedPolicies[policyArn], let document = policy.versions[versionId] else {
                throw Self.noSuchPolicy(policyArn)
            }
            return ManagedPolicyVersion(versionId: versionId, isDefaultVersion: versionId == policy.defaultVersionId, document: document)
        }
    }

    /// The reads the guardrail makes for a managed policy it has not seen, in order.
    static let managedPolicyReads = ["GetPolicy", "GetPolicyVersion"]

    static func noSuchPolicy(_ arn: String) -> AWSClientError {
        error("NoSuchEntity", "Policy \(arn) does not exist or is not attachable.", status: 404)
    }
}
