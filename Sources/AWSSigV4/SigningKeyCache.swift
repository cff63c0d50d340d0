import Crypto
import Synchronization

/// Remembers the last SigV4 signing key, already loaded into an HMAC, so the four key-derivation HMACs
/// and the HMAC key setup run once per secret and day instead of on every request.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secretAccessKey: String
        var day: String
        var keyedHMAC: HMAC<SHA256>
    }

    private let entry = Mutex<Entry?>(nil)

    /// An HMAC-SHA256 keyed with the signing key for `secretAccessKey` on `day` (`yyyyMMdd`), ready for
    /// `update`. `HMAC` is a copy-on-write value: each caller's updates stay private to its copy.
    func keyedHMAC(secretAccessKey: String, day: String, region: String, service: String) -> HMAC<SHA256> {
        if let cached = entry.withLock({ current -> HMAC<SHA256>? in
            guard let current, current.day == day, current.secretAccessKey == secretAccessKey else { return nil }
            return current.keyedHMAC
        }) {
            return cached
        }
        let key = Self.derive(secretAccessKey: secretAccessKey, day: day, region: region, service: service)
        let keyedHMAC = HMAC<SHA256>(key: key)
        entry.withLock { $0 = Entry(secretAccessKey: secretAccessKey, day: day, keyedHMAC: keyedHMAC) }
        return keyedHMAC
    }

    /// The SigV4 signing key: an HMAC chain over the day, region, service and `aws4_request`.
    static func derive(secretAccessKey: String, day: String, region: String, service: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }
}
