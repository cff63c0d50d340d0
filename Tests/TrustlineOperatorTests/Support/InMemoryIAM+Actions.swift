import AWSClients
import Foundation

/// The `IAMAPI` calls of the in-memory IAM.
extension InMemoryIAM {
    func createRole(_ request: CreateRoleRequest) async throws(AWSClientError) -> IAMRole {
        try await perform("CreateRole", role: request.roleName) { (state: inout State) throws(AWSClientError) -> IAMRole in
            if state.roles[request.roleName.lowercased()] != nil {
                throw Self.error("EntityAlreadyExists", "Role with name \(request.roleName) already exists.", status: 409)
            }
            try Self.checkTrustPolicy(request.assumeRolePolicyDocument, state)
            if request.tags.count > 50 { throw Self.error("LimitExceeded", "too many tags", status: 409) }
            let path = request.path ?? "/"
            let role = StoredRole(
                name: request.roleName, path: path, roleId: "AROA\(state.nextId)",
                arn: "arn:aws:iam::\(accountId):role\(path)\(request.roleName)", createDate: Date(),
                trustPolicy: request.assumeRolePolicyDocument, description: request.description,
                maxSessionDuration: request.maxSessionDuration ?? 3600, boundary: request.permissionsBoundaryArn,
                tags: request.tags, inlinePolicies: [:], attachedPolicies: [])
            state.nextId += 1
            state.roles[request.roleName.lowercased()] = role
            return Self.iamRole(role)
        }
    }

    func getRole(roleName: String) async throws(AWSClientError) -> IAMRole {
        try await perform("GetRole", role: roleName) { (state: inout State) throws(AWSClientError) -> IAMRole in
            Self.iamRole(try Self.existingRole(&state, roleName))
        }
    }

    func updateRole(roleName: String, description: String?, maxSessionDuration: Int?) async throws(AWSClientError) {
        try await perform("UpdateRole", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            // As IAM and moto: omitted fields are reset.
            role.description = description
            role.maxSessionDuration = maxSessionDuration ?? 3600
            state.roles[roleName.lowercased()] = role
        }
    }

    func updateAssumeRolePolicy(roleName: String, policyDocument: String) async throws(AWSClientError) {
        try await perform("UpdateAssumeRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            try Self.checkTrustPolicy(policyDocument, state)
            role.trustPolicy = policyDocument
            state.roles[roleName.lowercased()] = role
        }
    }

    func deleteRole(roleName: String) async throws(AWSClientError) {
        try await perform("DeleteRole", role: roleName) { (state: inout State) throws(AWSClientError) in
            let role = try Self.existingRole(&state, roleName)
            if !role.inlinePolicies.isEmpty || !role.attachedPolicies.isEmpty {
                throw Self.error("DeleteConflict", "Cannot delete entity, must delete policies first.", status: 409)
            }
            state.roles[roleName.lowercased()] = nil
        }
    }

    func listRoles(pathPrefix: String) async throws(AWSClientError) -> [IAMRole] {
        try await perform("ListRoles") { (state: inout State) throws(AWSClientError) -> [IAMRole] in
            // As IAM: no tags and no boundary in a listing.
            state.roles.values.filter { $0.path.hasPrefix(pathPrefix) }.sorted { $0.name < $1.name }.map { role in
                var listed = Self.iamRole(role)
                listed.tags = []
                listed.permissionsBoundaryArn = nil
                return listed
            }
        }
    }

    func putRolePermissionsBoundary(roleName: String, permissionsBoundaryArn: String) async throws(AWSClientError) {
        try await perform("PutRolePermissionsBoundary", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            role.boundary = permissionsBoundaryArn
            state.roles[roleName.lowercased()] = role
        }
    }

    func deleteRolePermissionsBoundary(roleName: String) async throws(AWSClientError) {
        try await perform("DeleteRolePermissionsBoundary", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            role.boundary = nil
            state.roles[roleName.lowercased()] = role
        }
    }

    func putRolePolicy(roleName: String, policyName: String, policyDocument: String) async throws(AWSClientError) {
        try await perform("PutRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            role.inlinePolicies[policyName] = policyDocument
            state.roles[roleName.lowercased()] = role
        }
    }

    func getRolePolicy(roleName: String, policyName: String) async throws(AWSClientError) -> RolePolicy {
        try await perform("GetRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) -> RolePolicy in
            let role = try Self.existingRole(&state, roleName)
            guard let document = role.inlinePolicies[policyName] else {
                throw Self.error("NoSuchEntity", "The role policy with name \(policyName) cannot be found.", status: 404)
            }
            return RolePolicy(roleName: role.name, policyName: policyName, policyDocument: document)
        }
    }

    func listRolePolicies(roleName: String) async throws(AWSClientError) -> [String] {
        try await perform("ListRolePolicies", role: roleName) { (state: inout State) throws(AWSClientError) -> [String] in
            try Self.existingRole(&state, roleName).inlinePolicies.keys.sorted()
        }
    }

    func deleteRolePolicy(roleName: String, policyName: String) async throws(AWSClientError) {
        try await perform("DeleteRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            guard role.inlinePolicies.removeValue(forKey: policyName) != nil else {
                throw Self.error("NoSuchEntity", "The role policy with name \(policyName) cannot be found.", status: 404)
            }
            state.roles[roleName.lowercased()] = role
        }
    }

    func attachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError) {
        try await perform("AttachRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            guard state.managedPolicies[policyArn] != nil else {
                throw Self.error("NoSuchEntity", "Policy \(policyArn) does not exist or is not attachable.", status: 404)
            }
            if !role.attachedPolicies.contains(policyArn) { role.attachedPolicies.append(policyArn) }
            state.roles[roleName.lowercased()] = role
        }
    }

    func detachRolePolicy(roleName: String, policyArn: String) async throws(AWSClientError) {
        try await perform("DetachRolePolicy", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            guard let index = role.attachedPolicies.firstIndex(of: policyArn) else {
                throw Self.error("NoSuchEntity", "Policy \(policyArn) was not found.", status: 404)
            }
            role.attachedPolicies.remove(at: index)
            state.roles[roleName.lowercased()] = role
        }
    }

    func listAttachedRolePolicies(roleName: String) async throws(AWSClientError) -> [AttachedPolicy] {
        try await perform("ListAttachedRolePolicies", role: roleName) { (state: inout State) throws(AWSClientError) -> [AttachedPolicy] in
            try Self.existingRole(&state, roleName).attachedPolicies.map { arn in
                AttachedPolicy(policyName: String(arn.split(separator: "/").last ?? ""), policyArn: arn)
            }
        }
    }

    func tagRole(roleName: String, tags: [IAMTag]) async throws(AWSClientError) {
        try await perform("TagRole", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            for tag in tags {
                role.tags.removeAll { $0.key.lowercased() == tag.key.lowercased() }
                role.tags.append(tag)
            }
            if role.tags.count > 50 { throw Self.error("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", status: 409) }
            state.roles[roleName.lowercased()] = role
        }
    }

    func untagRole(roleName: String, tagKeys: [String]) async throws(AWSClientError) {
        try await perform("UntagRole", role: roleName) { (state: inout State) throws(AWSClientError) in
            var role = try Self.existingRole(&state, roleName)
            let lowered = Set(tagKeys.map { $0.lowercased() })
            role.tags.removeAll { lowered.contains($0.key.lowercased()) }
            state.roles[roleName.lowercased()] = role
        }
    }

    func listRoleTags(roleName: String) async throws(AWSClientError) -> [IAMTag] {
        try await perform("ListRoleTags", role: roleName) { (state: inout State) throws(AWSClientError) -> [IAMTag] in
            try Self.existingRole(&state, roleName).tags
        }
    }

    func createOpenIDConnectProvider(_ request: CreateOpenIDConnectProviderRequest) async throws(AWSClientError) -> String {
        try await perform("CreateOpenIDConnectProvider") { (state: inout State) throws(AWSClientError) -> String in
            var url = Substring(request.url)
            if url.hasPrefix("https://") { url = url.dropFirst("https://".count) }
            let arn = "arn:aws:iam::\(accountId):oidc-provider/\(url)"
            if state.providers[arn] != nil {
                throw Self.error("EntityAlreadyExists", "Provider with url \(request.url) already exists.", status: 409)
            }
            state.providers[arn] = OpenIDConnectProvider(
                url: String(url), clientIds: request.clientIds, thumbprints: request.thumbprints, createDate: Date(), tags: request.tags)
            return arn
        }
    }

    func getOpenIDConnectProvider(arn: String) async throws(AWSClientError) -> OpenIDConnectProvider {
        try await perform("GetOpenIDConnectProvider") { (state: inout State) throws(AWSClientError) -> OpenIDConnectProvider in
            guard let provider = state.providers[arn] else {
                throw Self.error("NoSuchEntity", "OpenIDConnect Provider not found for arn \(arn)", status: 404)
            }
            return provider
        }
    }

    func addClientIDToOpenIDConnectProvider(arn: String, clientId: String) async throws(AWSClientError) {
        try await perform("AddClientIDToOpenIDConnectProvider", detail: clientId) { (state: inout State) throws(AWSClientError) in
            guard var provider = state.providers[arn] else {
                throw Self.error("NoSuchEntity", "OpenIDConnect Provider not found for arn \(arn)", status: 404)
            }
            // As IAM: adding an id already listed succeeds and changes nothing.
            guard !provider.clientIds.contains(clientId) else { return }
            if provider.clientIds.count >= 100 {
                throw Self.error("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", status: 409)
            }
            provider.clientIds.append(clientId)
            state.providers[arn] = provider
        }
    }

    func listOpenIDConnectProviders() async throws(AWSClientError) -> [String] {
        try await perform("ListOpenIDConnectProviders") { (state: inout State) throws(AWSClientError) -> [String] in
            state.providers.keys.sorted()
        }
    }

    func getAccountSummary() async throws(AWSClientError) -> [String: Int] {
        try await perform("GetAccountSummary") { (state: inout State) throws(AWSClientError) -> [String: Int] in
            ["Roles": state.roles.count, "RolesQuota": 1000]
        }
    }
}
