/// The IAM calls Trustline makes, as a protocol so the operator's tests can run against an
/// in-memory fake while `IAMClient` talks to IAM (or moto). List calls return every item,
/// following pagination; policy documents are returned URL-decoded.
public protocol IAMAPI: Sendable {
    // Roles
    func createRole(_ request: CreateRoleRequest) async throws(AWSClientError) -> IAMRole
    func getRole(roleName: String) async throws(AWSClientError) -> IAMRole
    /// Sets description and maximum session duration. IAM (and moto) reset an omitted field, so pass both.
    func updateRole(roleName: String, description: String?, maxSessionDuration: Int?) async throws(AWSClientError)
    func updateAssumeRolePolicy(roleName: String, policyDocument: String) async throws(AWSClientError)
    func deleteRole(roleName: String) async throws(AWSClientError)
    /// Every role whose path starts with `pathPrefix` (all pages), without tags: IAM's ListRoles
    /// does not return them.
    func listRoles(pathPrefix: String) async throws(AWSClientError) -> [IAMRole]
    /// One page of GetAccountAuthorizationDetails with `Filter=Role` (`marker` nil for the first;
    /// `pageSize` sets `MaxItems`, 1 to 1000, IAM's default 100): each role of the account, every
    /// path, with its trust policy, inline and attached policies, boundary and tags. A page at a
    /// time, so a bulk drift pass (docs/design.md section 12) can stop between pages and keeps
    /// only what it needs of each.
    func roleAuthorizationDetailsPage(marker: String?, pageSize: Int?) async throws(AWSClientError) -> RoleAuthorizationDetailsPage
    func putRolePermissionsBoundary(roleName: String, permissionsBoundaryArn: String) async throws(AWSClientError)
    func deleteRolePermissionsBoundary(roleName: String) async throws(AWSClientError)

    // Inline and managed policies
    func putRolePolicy(roleName: String, policyName: String, policyDocument: String) async throws(AWSClientError)
    func getRolePolicy(roleName: String, policyName: String) async throws(AWSClientError) -> RolePolicy
    func listRolePolicies(roleName: String) async throws(AWSClientError) -> [String]
    func deleteRolePolicy(roleName: String, policyName: String) async throws(AWSClientError)
    func attachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError)
    func detachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError)
    func listAttachedRolePolicies(roleName: String) async throws(AWSClientError) -> [AttachedPolicy]
    /// The managed policy's metadata, among it the id of its default (in-force) version.
    func getPolicy(policyArn: String) async throws(AWSClientError) -> ManagedPolicy
    /// One version of a managed policy, its document URL-decoded.
    func getPolicyVersion(policyArn: String, versionId: String) async throws(AWSClientError) -> ManagedPolicyVersion

    // Tags
    func tagRole(roleName: String, tags: [IAMTag]) async throws(AWSClientError)
    func untagRole(roleName: String, tagKeys: [String]) async throws(AWSClientError)
    func listRoleTags(roleName: String) async throws(AWSClientError) -> [IAMTag]

    // OIDC providers and account
    /// Returns the new provider's ARN.
    func createOpenIDConnectProvider(_ request: CreateOpenIDConnectProviderRequest) async throws(AWSClientError) -> String
    func getOpenIDConnectProvider(arn: String) async throws(AWSClientError) -> OpenIDConnectProvider
    /// Adds `clientId` (an audience) to the provider's client ids; adding one already listed succeeds.
    func addClientIDToOpenIDConnectProvider(arn: String, clientId: String) async throws(AWSClientError)
    /// ARNs of every OIDC provider in the account.
    func listOpenIDConnectProviders() async throws(AWSClientError) -> [String]
    /// IAM's usage and quota counters (`Roles`, `RolesQuota`, ...).
    func getAccountSummary() async throws(AWSClientError) -> [String: Int]
}
