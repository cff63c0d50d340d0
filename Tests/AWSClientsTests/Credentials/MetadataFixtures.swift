import Foundation

/// Bodies the container endpoint and IMDS fixtures answer with.
enum MetadataFixtures {
    /// ISO 8601 without fractional seconds, as ECS and IMDS write it.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A credentials document for key `key` expiring at `expires`.
    static func credentials(_ key: String, expires: Date, imds: Bool = false) -> String {
        let imdsFields = imds ? #""Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC","# : ""
        return #"{\#(imdsFields)"AccessKeyId":"\#(key)","SecretAccessKey":"secret-\#(key)","Token":"token-\#(key)","Expiration":"\#(timestamp(expires))","AccountId":"123456789012"}"#
    }
}
