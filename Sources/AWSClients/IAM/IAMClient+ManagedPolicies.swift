import Foundation

extension IAMClient {
    public func getPolicy(policyArn: String) async throws(AWSClientError) -> ManagedPolicy {
        try require(policyArn, field: "policyArn")
        return try await perform("GetPolicy", [("PolicyArn", policyArn)]) { result throws(XMLDecodingError) in
            ManagedPolicy(
                arn: try result.requiredText(at: ["Policy", "Arn"]),
                policyName: try result.requiredText(at: ["Policy", "PolicyName"]),
                defaultVersionId: try result.requiredText(at: ["Policy", "DefaultVersionId"]))
        }
    }

    public func getPolicyVersion(policyArn: String, versionId: String) async throws(AWSClientError) -> ManagedPolicyVersion {
        try require(policyArn, field: "policyArn")
        try require(versionId, field: "versionId")
        return try await perform("GetPolicyVersion", [("PolicyArn", policyArn), ("VersionId", versionId)]) {
            result throws(XMLDecodingError) in
            ManagedPolicyVersion(
                versionId: try result.requiredText(at: ["PolicyVersion", "VersionId"]),
                isDefaultVersion: try result.boolean(at: ["PolicyVersion", "IsDefaultVersion"]) ?? false,
                document: Self.decodePolicyDocument(try result.requiredText(at: ["PolicyVersion", "Document"])))
        }
    }
}
