import Digests
import Synchronization

/// Remembers the last SigV4 signing key, so the four key-derivation HMACs run once per secret and
/// day instead of on every request.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secretAccessKey: String
        var day: String
        var keyedHMAC: HMACSHA256
    }

    private let entry = Mutex<Entry?>(nil)

    /// An HMAC-SHA256 keyed with the signing key for `secretAccessKey` on `day` (`yyyyMMdd`).
    /// `HMACSHA256` is an immutable value, safe to use from any number of callers at once.
    func keyedHMAC(secretAccessKey: String, day: String, region: String, service: String) -> HMACSHA256 {
        if let cached = entry.withLock({ current -> HMACSHA256? in
            guard let current, current.day == day, current.secretAccessKey == secretAccessKey else { return nil }
            return current.keyedHMAC
        }) {
            return cached
        }
        let keyedHMAC = HMACSHA256(key: Self.derive(secretAccessKey: secretAccessKey, day: day, region: region, service: service))
        entry.withLock { $0 = Entry(secretAccessKey: secretAccessKey, day: day, keyedHMAC: keyedHMAC) }
        return keyedHMAC
    }

    /// The SigV4 signing key (32 bytes): an HMAC chain over the day, region, service and `aws4_request`.
    static func derive(secretAccessKey: String, day: String, region: String, service: String) -> [UInt8] {
        func hmac(_ key: [UInt8], _ text: String) -> [UInt8] {
            HMACSHA256(key: key).authenticationCode(for: Array(text.utf8))
        }
        let secret = Array(("AWS4" + secretAccessKey).utf8)
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }
}
