import AWSSigV4
import Foundation

/// The JSON credentials document that both the container credential endpoint (ECS, EKS Pod Identity)
/// and the EC2 instance metadata service return. One decoder so both providers reject the same
/// malformed answers with the same message.
struct MetadataCredentialsDocument: Decodable {
    var accessKeyId: String?
    var secretAccessKey: String?
    var token: String?
    var expiration: String?
    /// Present in newer answers; the signer does not need it.
    var accountId: String?
    /// IMDS reports failures as `{"Code": "...", "Message": "..."}` with status 200.
    var code: String?
    var message: String?

    private enum CodingKeys: String, CodingKey {
        case accessKeyId = "AccessKeyId", secretAccessKey = "SecretAccessKey", token = "Token"
        case expiration = "Expiration", accountId = "AccountId", code = "Code", message = "Message"
    }

    /// Decodes `body` into credentials, or throws `malformedCredentialResponse` naming the missing or
    /// unparsable field. `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration` are required, as in
    /// the SDKs: these endpoints only ever hand out temporary credentials.
    static func credentials(from body: Data, provider: String, url: String) throws -> AWSCredentials {
        func malformed(_ reason: String) -> CredentialProviderError {
            .malformedCredentialResponse(provider: provider, url: url, reason: reason)
        }
        let document: MetadataCredentialsDocument
        do {
            document = try JSONDecoder().decode(MetadataCredentialsDocument.self, from: body)
        } catch {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            throw malformed("the body is not a JSON object of strings (it starts with '\(start)')")
        }
        if let code = document.code, code != "Success" {
            throw malformed("the service answered Code '\(code)': \(document.message ?? "no message")")
        }
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else { throw malformed("the field \(field) is missing or empty") }
            return value
        }
        let accessKeyId = try required(document.accessKeyId, "AccessKeyId")
        let secretAccessKey = try required(document.secretAccessKey, "SecretAccessKey")
        let token = try required(document.token, "Token")
        let expirationText = try required(document.expiration, "Expiration")
        guard let expiration = parseTimestamp(expirationText) else {
            throw malformed("Expiration '\(expirationText)' is not an ISO 8601 timestamp such as 2026-01-02T03:04:05Z")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: token, expiration: expiration)
    }

    /// ISO 8601 with or without fractional seconds (ECS sends `2026-01-02T03:04:05Z`, Pod Identity may add them).
    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
