import Crypto
import Foundation
import Synchronization
import _CryptoExtras

/// Mints ServiceAccount tokens (TokenRequest) as RS256 JWTs and publishes the keys as JWKS, with
/// OIDC discovery, so code that verifies IRSA tokens can verify ours the same way.
///
/// Key rotation (`rotateSigningKey`) works as on a real API server given a new
/// `--service-account-signing-key-file` with the old public key kept in a further
/// `--service-account-key-file`: new tokens are signed with the new key, and the JWKS and the
/// authenticator accept both, so tokens already handed out stay valid.
final class TokenIssuer: Sendable {
    /// One RSA key and its key id.
    struct SigningKey: Sendable {
        let privateKey: _RSA.Signing.PrivateKey
        let keyID: String

        init(_ privateKey: _RSA.Signing.PrivateKey) {
            self.privateKey = privateKey
            // As kube-apiserver: the key id is the base64url SHA-256 of the public key's DER.
            keyID = Base64URL.encode(Data(SHA256.hash(data: privateKey.publicKey.derRepresentation)))
        }
    }

    private let issuerURL: Mutex<String>
    /// The signing key first, then the retired keys still accepted, newest first.
    private let keys: Mutex<[SigningKey]>

    /// The issuer is known only once the port is bound, so it is set after construction.
    var issuer: String {
        get { issuerURL.withLock { $0 } }
        set { issuerURL.withLock { $0 = newValue } }
    }

    /// The key new tokens are signed with.
    var signingKey: SigningKey { keys.withLock { $0[0] } }
    /// Every key a token may be signed with: the signing key and those rotated out.
    var verificationKeys: [SigningKey] { keys.withLock { $0 } }

    /// RSA-2048 generation costs ~100 ms of CPU in debug builds; servers in one process (parallel
    /// tests) share one key, as the servers of one cluster share the service-account key.
    private static let sharedKey: Result<_RSA.Signing.PrivateKey, any Error> = Result {
        try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    init(issuer: String) throws {
        issuerURL = Mutex(issuer)
        keys = Mutex([SigningKey(try Self.sharedKey.get())])
    }

    /// Signs new tokens with a fresh key from now on, keeping the previous ones for verification
    /// and in the JWKS. Returns the new key id.
    @discardableResult
    func rotateSigningKey() throws -> String {
        let fresh = SigningKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        keys.withLock { $0.insert(fresh, at: 0) }
        return fresh.keyID
    }

    struct Claims: Sendable {
        var namespace: String
        var serviceAccountName: String
        var serviceAccountUID: String
        var audiences: [String]
        var expirationSeconds: Int64
        var boundObject: JSONValue?
    }

    func mint(_ claims: Claims, now: Date = Date()) throws -> (token: String, expires: Date) {
        let issuedAt = Int64(now.timeIntervalSince1970)
        let expiry = issuedAt + claims.expirationSeconds
        var kubernetesClaims: JSONValue = [
            "namespace": .string(claims.namespace),
            "serviceaccount": ["name": .string(claims.serviceAccountName), "uid": .string(claims.serviceAccountUID)],
        ]
        if let bound = claims.boundObject, let kind = bound["kind"]?.stringValue {
            kubernetesClaims[kind.lowercased()] = ["name": bound["name"] ?? "", "uid": bound["uid"] ?? ""]
        }
        let key = signingKey
        let header: JSONValue = ["alg": "RS256", "kid": .string(key.keyID)]
        let payload: JSONValue = [
            "aud": .array(claims.audiences.map { .string($0) }),
            "exp": .int(expiry), "iat": .int(issuedAt), "nbf": .int(issuedAt),
            "iss": .string(issuer), "jti": .string(Stamp.uid()),
            "sub": .string("system:serviceaccount:\(claims.namespace):\(claims.serviceAccountName)"),
            "kubernetes.io": kubernetesClaims,
        ]
        let signingInput = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(payload.serialized())
        let signature = try key.privateKey.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        return (signingInput + "." + Base64URL.encode(signature.rawRepresentation), Date(timeIntervalSince1970: TimeInterval(expiry)))
    }

    func jwks() throws -> JSONValue {
        var published: [JSONValue] = []
        for key in verificationKeys {
            let primitives = try key.privateKey.publicKey.getKeyPrimitives()
            published.append([
                "use": "sig", "kty": "RSA", "kid": .string(key.keyID), "alg": "RS256",
                "n": .string(Base64URL.encode(primitives.modulus)),
                "e": .string(Base64URL.encode(primitives.publicExponent)),
            ])
        }
        return ["keys": .array(published)]
    }

    var openIDConfiguration: JSONValue {
        [
            "issuer": .string(issuer),
            "jwks_uri": .string(issuer + "/openid/v1/jwks"),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        ]
    }
}

/// Unpadded base64url (RFC 4648 section 5), as JWTs and JWKS use it.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil for text that is not unpadded (or padded) base64url.
    static func decode(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}
