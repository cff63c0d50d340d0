import AWSClients
import KubeModels
import TrustlineCore

/// Reads what IAM holds for one role (docs/design.md section 4 step 3): GetRole, ListRolePolicies with
/// GetRolePolicy for each, ListAttachedRolePolicies and ListRoleTags. Read-only: it never writes.
struct IAMRoleObserver: Sendable {
    /// A failed read, with the IAM action that failed (for the condition message).
    struct Failure: Error {
        var action: String
        var error: AWSClientError
    }

    let iam: any IAMAPI

    /// The role, or nil when it does not exist (also when it disappears while being read).
    func observe(roleName: String) async throws(Failure) -> ObservedRole? {
        do {
            return try await read(roleName: roleName)
        } catch let failure where failure.error.isNoSuchEntity {
            return nil
        }
    }

    private func read(roleName: String) async throws(Failure) -> ObservedRole? {
        let role = try await call("GetRole") { () async throws(AWSClientError) in try await iam.getRole(roleName: roleName) }
        let policyNames = try await call("ListRolePolicies") { () async throws(AWSClientError) in
            try await iam.listRolePolicies(roleName: roleName)
        }
        var inline: [String: String] = [:]
        for name in policyNames {
            let policy = try await call("GetRolePolicy") { () async throws(AWSClientError) in
                try await iam.getRolePolicy(roleName: roleName, policyName: name)
            }
            inline[name] = policy.policyDocument
        }
        let attached = try await call("ListAttachedRolePolicies") { () async throws(AWSClientError) in
            try await iam.listAttachedRolePolicies(roleName: roleName)
        }
        let tags = try await call("ListRoleTags") { () async throws(AWSClientError) in
            try await iam.listRoleTags(roleName: roleName)
        }
        do {
            return try ObservedRole.fromIAM(
                name: role.roleName, path: role.path, arn: role.arn, description: role.description,
                maxSessionDuration: role.maxSessionDuration ?? RoleSpec.defaultMaxSessionDurationSeconds,
                permissionsBoundaryArn: role.permissionsBoundaryArn, trustPolicyText: role.assumeRolePolicyDocument ?? "{}",
                inlinePolicyTexts: inline, attachedManagedPolicyArns: attached.map(\.policyArn),
                tags: tags.map { (key: $0.key, value: $0.value) })
        } catch {
            // IAM only stores valid JSON, so this means a broken answer: report it like one.
            let answer = AWSError(code: "UnreadablePolicyDocument", message: error.message, httpStatus: 200)
            throw Failure(action: "GetRole", error: .service(answer))
        }
    }

    private func call<Value>(_ action: String, _ body: () async throws(AWSClientError) -> Value) async throws(Failure) -> Value {
        do {
            return try await body()
        } catch {
            throw Failure(action: action, error: error)
        }
    }
}
