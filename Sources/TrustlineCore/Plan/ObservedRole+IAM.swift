import KubeModels

extension ObservedRole {
    /// Builds an observation from IAM's raw answers: documents as GetRole and GetRolePolicy return
    /// them (URL-encoded JSON text) and tags as a list, so the I/O shell needs no parsing of its own.
    public static func fromIAM(
        name: String, path: String, arn: String, description: String?, maxSessionDuration: Int,
        permissionsBoundaryArn: String?, trustPolicyText: String, inlinePolicyTexts: [String: String],
        attachedManagedPolicyArns: [String], tags: [(key: String, value: String)]
    ) throws(PolicyParseError) -> ObservedRole {
        var inline: [String: JSONValue] = [:]
        for (policyName, text) in inlinePolicyTexts {
            do {
                inline[policyName] = try PolicyCanonicalizer.parse(text)
            } catch {
                throw PolicyParseError(message: "inline policy \(policyName) of role \(name): \(error.message)")
            }
        }
        let trust: JSONValue
        do {
            trust = try PolicyCanonicalizer.parse(trustPolicyText)
        } catch {
            throw PolicyParseError(message: "trust policy of role \(name): \(error.message)")
        }
        var tagMap: [String: String] = [:]
        for tag in tags { tagMap[tag.key] = tag.value }
        return ObservedRole(
            name: name, path: path, arn: arn, description: description, maxSessionDuration: maxSessionDuration,
            permissionsBoundaryArn: permissionsBoundaryArn, trustPolicy: trust, inlinePolicies: inline,
            attachedManagedPolicyArns: Set(attachedManagedPolicyArns), tags: tagMap)
    }
}
