extension IAMClient {
    public func createOpenIDConnectProvider(
        _ request: CreateOpenIDConnectProviderRequest
    ) async throws(AWSClientError) -> String {
        try require(request.url, field: "url")
        guard request.url.hasPrefix("https://") else {
            throw .invalidInput(field: "url", reason: "must start with https://, got \(request.url)")
        }
        let parameters = [("Url", request.url)]
            + Self.listParameters(request.clientIds, name: "ClientIDList")
            + Self.listParameters(request.thumbprints, name: "ThumbprintList")
            + Self.tagParameters(request.tags)
        return try await perform("CreateOpenIDConnectProvider", parameters) { result throws(XMLDecodingError) in
            try result.requiredText(at: ["OpenIDConnectProviderArn"])
        }
    }

    public func getOpenIDConnectProvider(arn: String) async throws(AWSClientError) -> OpenIDConnectProvider {
        try require(arn, field: "arn")
        return try await perform("GetOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn)]) {
            result throws(XMLDecodingError) in
            OpenIDConnectProvider(
                url: try result.requiredText(at: ["Url"]),
                clientIds: result.memberTexts(at: ["ClientIDList"]),
                thumbprints: result.memberTexts(at: ["ThumbprintList"]),
                createDate: try result.date(at: ["CreateDate"]),
                tags: try Self.decodeTags(result.child("Tags")))
        }
    }

    /// IAM's limit on a client id's length (AddClientIDToOpenIDConnectProvider, `ClientID`).
    public static let maxClientIdLength = 255

    public func addClientIDToOpenIDConnectProvider(arn: String, clientId: String) async throws(AWSClientError) {
        try require(arn, field: "arn")
        try require(clientId, field: "clientId")
        guard clientId.count <= Self.maxClientIdLength else {
            throw .invalidInput(
                field: "clientId", reason: "must be at most \(Self.maxClientIdLength) characters, got \(clientId.count)")
        }
        try await perform("AddClientIDToOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn), ("ClientID", clientId)])
    }

    /// IAM answers this call in one page (it has no Marker).
    public func listOpenIDConnectProviders() async throws(AWSClientError) -> [String] {
        try await perform("ListOpenIDConnectProviders", []) { result throws(XMLDecodingError) in
            var arns: [String] = []
            for member in result.element(at: ["OpenIDConnectProviderList"])?.children(named: "member") ?? [] {
                arns.append(try member.requiredText(at: ["Arn"]))
            }
            return arns
        }
    }
}
