extension IAMClient {
    public func tagRole(roleName: String, tags: [IAMTag]) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        guard !tags.isEmpty else { throw .invalidInput(field: "tags", reason: "give at least one tag") }
        try await perform("TagRole", [("RoleName", roleName)] + Self.tagParameters(tags))
    }

    public func untagRole(roleName: String, tagKeys: [String]) async throws(AWSClientError) {
        try require(roleName, field: "roleName")
        guard !tagKeys.isEmpty else { throw .invalidInput(field: "tagKeys", reason: "give at least one tag key") }
        try await perform("UntagRole", [("RoleName", roleName)] + Self.listParameters(tagKeys, name: "TagKeys"))
    }

    public func listRoleTags(roleName: String) async throws(AWSClientError) -> [IAMTag] {
        try await listRoleTags(roleName: roleName, pageSize: nil)
    }

    /// The role's tags; `pageSize` sets `MaxItems` per page.
    public func listRoleTags(roleName: String, pageSize: Int?) async throws(AWSClientError) -> [IAMTag] {
        try require(roleName, field: "roleName")
        return try await paginate("ListRoleTags", [("RoleName", roleName)], pageSize: pageSize) {
            result throws(XMLDecodingError) in
            try Self.decodeTags(result.child("Tags"))
        }
    }
}
