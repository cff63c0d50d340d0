import Crypto
import Foundation
import _CryptoExtras

/// Authenticates the ServiceAccount tokens this server minted (TokenRequest), with the checks the
/// API server's bound-token authenticator makes: RS256 signature by one of the server's keys, issuer,
/// an audience the API server accepts, `nbf`/`exp`, and the ServiceAccount (and a bound Secret)
/// still existing with the uid the token names. Any failure is nil, which the caller answers
/// with a bare 401, as Kubernetes does.
struct ServiceAccountTokenAuthenticator: Sendable {
    let tokens: TokenIssuer
    let store: ObjectStore

    /// The API server's audiences: TokenRequest gives tokens the issuer as their default audience.
    var apiAudiences: [String] { [tokens.issuer] }

    func authenticate(_ token: String, now: Date = Date()) -> AuthenticatedUser? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Base64URL.decode(parts[0]), let header = try? JSONValue.parse(headerData),
            header["alg"]?.stringValue == "RS256",
            let payloadData = Base64URL.decode(parts[1]), let claims = try? JSONValue.parse(payloadData),
            let signature = Base64URL.decode(parts[2])
        else { return nil }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        // Any key of the issuer's, as with several --service-account-key-file after a rotation.
        let digest = SHA256.hash(data: signingInput)
        guard tokens.verificationKeys.contains(where: {
            $0.privateKey.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        })
        else { return nil }
        guard claims["iss"]?.stringValue == tokens.issuer, Self.audiences(claims["aud"]).contains(where: apiAudiences.contains)
        else { return nil }
        let seconds = Int64(now.timeIntervalSince1970)
        guard let expiry = claims["exp"]?.intValue, seconds < expiry else { return nil }
        if let notBefore = claims["nbf"]?.intValue, seconds < notBefore { return nil }
        guard let namespace = claims[path: ["kubernetes.io", "namespace"]]?.stringValue,
            let name = claims[path: ["kubernetes.io", "serviceaccount", "name"]]?.stringValue,
            let uid = claims[path: ["kubernetes.io", "serviceaccount", "uid"]]?.stringValue,
            claims["sub"]?.stringValue == AuthenticatedUser.serviceAccountUserName(namespace: namespace, name: name)
        else { return nil }
        let boundSecret = claims[path: ["kubernetes.io", "secret"]]
        let stillBound: Bool? = try? store.read { state in
            guard let account = state.object(ResourceKey(group: "", plural: "serviceaccounts"), namespace: namespace, name: name),
                account.uid == uid, account[path: ["metadata", "deletionTimestamp"]] == nil
            else { return false }
            if let boundSecret {
                guard let secretName = boundSecret["name"]?.stringValue,
                    let secret = state.object(ResourceKey(group: "", plural: "secrets"), namespace: namespace, name: secretName),
                    secret.uid == boundSecret["uid"]?.stringValue
                else { return false }
            }
            return true
        }
        guard stillBound == true else { return nil }
        return .serviceAccount(namespace: namespace, name: name)
    }

    /// `aud` is a string or an array of strings (RFC 7519 section 4.1.3).
    private static func audiences(_ claim: JSONValue?) -> [String] {
        if let single = claim?.stringValue { return [single] }
        return claim?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
