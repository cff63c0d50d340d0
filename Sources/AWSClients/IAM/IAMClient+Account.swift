extension IAMClient {
    public func getAccountSummary() async throws(AWSClientError) -> [String: Int] {
        try await perform("GetAccountSummary", []) { result throws(XMLDecodingError) in
            var summary: [String: Int] = [:]
            for entry in try result.requiredElement(at: ["SummaryMap"]).children(named: "entry") {
                let key = try entry.requiredText(at: ["key"])
                guard let value = try entry.integer(at: ["value"]) else {
                    throw XMLDecodingError.missingElement(path: "SummaryMap/entry[\(key)]/value")
                }
                summary[key] = value
            }
            return summary
        }
    }
}
