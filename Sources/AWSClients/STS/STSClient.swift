import AWSSigV4
import Foundation
import HTTPTransport
import Logging

/// The STS Query API client: GetCallerIdentity (signed) and AssumeRoleWithWebIdentity (unsigned,
/// as AWS expects, since the web identity token is the credential). It is the token exchanger
/// the web identity credential provider uses.
public final class STSClient: WebIdentityTokenExchanger {
    public let executor: QueryRequestExecutor

    /// `credentialProvider` may be `nil` for a client that only exchanges web identity tokens.
    public init(
        configuration: AWSClientConfiguration,
        httpClient: any HTTPClient,
        credentialProvider: (any CredentialProvider)?,
        logger: Logger = Logger(label: "trustline.aws.sts")
    ) {
        executor = QueryRequestExecutor(
            service: .sts, configuration: configuration, httpClient: httpClient,
            credentialProvider: credentialProvider, logger: logger)
    }

    public func getCallerIdentity() async throws(AWSClientError) -> CallerIdentity {
        try await executor.perform(action: "GetCallerIdentity", parameters: []) { root throws(XMLDecodingError) in
            let result = try root.requiredElement(at: ["GetCallerIdentityResult"])
            return CallerIdentity(
                userId: try result.requiredText(at: ["UserId"]),
                account: try result.requiredText(at: ["Account"]),
                arn: try result.requiredText(at: ["Arn"]))
        }
    }

    /// Exchanges an OIDC token for temporary credentials of `roleArn`. Sent unsigned.
    public func assumeRoleWithWebIdentitySession(
        roleArn: String, roleSessionName: String, webIdentityToken: String, durationSeconds: Int? = nil
    ) async throws(AWSClientError) -> WebIdentitySession {
        for (field, value) in [("roleArn", roleArn), ("roleSessionName", roleSessionName), ("webIdentityToken", webIdentityToken)]
        where value.isEmpty {
            throw .invalidInput(field: field, reason: "must not be empty")
        }
        if let durationSeconds, !(900...43200).contains(durationSeconds) {
            throw .invalidInput(field: "durationSeconds", reason: "must be between 900 and 43200, got \(durationSeconds)")
        }
        var parameters: [(String, String)] = [
            ("RoleArn", roleArn), ("RoleSessionName", roleSessionName), ("WebIdentityToken", webIdentityToken),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await executor.perform(action: "AssumeRoleWithWebIdentity", parameters: parameters, signed: false) {
            root throws(XMLDecodingError) in
            let result = try root.requiredElement(at: ["AssumeRoleWithWebIdentityResult"])
            let credentials = try result.requiredElement(at: ["Credentials"])
            guard let expiration = try credentials.date(at: ["Expiration"]) else {
                throw XMLDecodingError.missingElement(path: "AssumeRoleWithWebIdentityResult/Credentials/Expiration")
            }
            return WebIdentitySession(
                credentials: AWSCredentials(
                    accessKeyId: try credentials.requiredText(at: ["AccessKeyId"]),
                    secretAccessKey: try credentials.requiredText(at: ["SecretAccessKey"]),
                    sessionToken: try credentials.requiredText(at: ["SessionToken"]),
                    expiration: expiration),
                assumedRoleArn: try result.requiredText(at: ["AssumedRoleUser", "Arn"]),
                assumedRoleId: try result.requiredText(at: ["AssumedRoleUser", "AssumedRoleId"]),
                subjectFromWebIdentityToken: result.text(at: ["SubjectFromWebIdentityToken"]),
                audience: result.text(at: ["Audience"]))
        }
    }

    /// `WebIdentityTokenExchanger`: the credentials of `assumeRoleWithWebIdentitySession`.
    public func assumeRoleWithWebIdentity(
        roleArn: String, roleSessionName: String, webIdentityToken: String, durationSeconds: Int?
    ) async throws -> AWSCredentials {
        try await assumeRoleWithWebIdentitySession(
            roleArn: roleArn, roleSessionName: roleSessionName, webIdentityToken: webIdentityToken,
            durationSeconds: durationSeconds
        ).credentials
    }
}
