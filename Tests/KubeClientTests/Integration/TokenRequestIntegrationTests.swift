import Crypto
import Foundation
import KubeClient
import KubeModels
import KubeTestServer
import Testing
import _CryptoExtras

@Suite("TokenRequest: the minted JWT verifies against the served JWKS")
struct TokenRequestIntegrationTests {
    struct JWKS: Decodable {
        struct Key: Decodable {
            var kty: String
            var kid: String?
            var alg: String?
            var n: String
            var e: String
        }
        var keys: [Key]
    }

    struct Header: Decodable {
        var alg: String
        var kid: String?
    }

    struct Claims: Decodable {
        var iss: String
        var sub: String
        var aud: [String]
        var exp: Int
        var iat: Int?
    }

    static func base64URL(_ text: Substring) throws -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return try #require(Data(base64Encoded: base64))
    }

    @Test func tokenVerifiesWithRS256() async throws {
        try await TestCluster.with(namespaces: ["production"]) { cluster in
            let client = cluster.client
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "my-app", namespace: "production")))
            let before = Int(Date().timeIntervalSince1970)
            let response = try await client.requestToken(
                namespace: "production", serviceAccountName: "my-app",
                spec: TokenRequestSpec(audiences: ["sts.amazonaws.com"], expirationSeconds: 3600))
            let status = try #require(response.status)
            let expiry = try #require(KubernetesTime.parse(status.expirationTimestamp))
            #expect(abs(expiry.timeIntervalSince1970 - Double(before + 3600)) < 60)

            let parts = status.token.split(separator: ".", omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            let header = try JSONDecoder().decode(Header.self, from: Self.base64URL(parts[0]))
            let claims = try JSONDecoder().decode(Claims.self, from: Self.base64URL(parts[1]))
            #expect(header.alg == "RS256")
            #expect(claims.iss == cluster.server.issuer)
            #expect(claims.sub == "system:serviceaccount:production:my-app")
            #expect(claims.aud == ["sts.amazonaws.com"])
            #expect(abs(claims.exp - (before + 3600)) < 60)

            let jwks = try JSONDecoder().decode(JWKS.self, from: await client.getRaw(path: "/openid/v1/jwks"))
            let key = try #require(jwks.keys.first { $0.kid == header.kid } ?? jwks.keys.first)
            #expect(key.kty == "RSA")
            let publicKey = try _RSA.Signing.PublicKey(n: Self.base64URL(Substring(key.n)), e: Self.base64URL(Substring(key.e)))
            let signature = _RSA.Signing.RSASignature(rawRepresentation: try Self.base64URL(parts[2]))
            let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
            #expect(publicKey.isValidSignature(signature, for: signingInput, padding: .insecurePKCS1v1_5))
            // A tampered payload must not verify (the check can fail).
            let tampered = Data("\(parts[0]).\(parts[1])x".utf8)
            #expect(!publicKey.isValidSignature(signature, for: tampered, padding: .insecurePKCS1v1_5))

            // Unknown ServiceAccount → NotFound.
            let missing = await #expect(throws: KubeAPIError.self) {
                try await client.requestToken(namespace: "production", serviceAccountName: "ghost", spec: TokenRequestSpec(audiences: ["x"]))
            }
            #expect(missing?.category == .notFound)
        }
    }
}
