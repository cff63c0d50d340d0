import Foundation
import Testing
@testable import KubeTestServer

/// Rotating the service-account signing key behaves as a real API server restarted with a new
/// `--service-account-signing-key-file` and the old public key kept as a further
/// `--service-account-key-file`: new tokens carry the new `kid`, the JWKS lists both keys, and
/// tokens of either key verify against it and authenticate.
@Suite struct TokenKeyRotationTests {
    static let tokenPath = "/api/v1/namespaces/default/serviceaccounts/app/token"

    static func kids(_ fixture: ServerFixture) async throws -> [String] {
        let keys = try await fixture.curl("GET", "/openid/v1/jwks", token: "")
        #expect(keys.status == 200)
        return keys.body["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } ?? []
    }

    static func mint(_ fixture: ServerFixture) async throws -> (token: String, kid: String?) {
        let response = try await fixture.curl("POST", tokenPath, json: ["spec": ["audiences": ["sts.amazonaws.com"]]])
        #expect(response.status == 201)
        let token = try #require(response.body[path: ["status", "token"]]?.stringValue)
        let encodedHeader = try #require(token.split(separator: ".").first)
        let header = try JSONValue.parse(try #require(Base64URL.decode(encodedHeader)))
        return (token, header["kid"]?.stringValue)
    }

    @Test func rotationSignsWithTheNewKeyAndKeepsTheOld() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.curl("POST", "/api/v1/namespaces/default/serviceaccounts", json: ["metadata": ["name": "app"]])
            let before = try await Self.kids(fixture)
            #expect(before.count == 1)
            let old = try await Self.mint(fixture)
            #expect(old.kid == before.first)

            let newKid = try fixture.server.rotateServiceAccountSigningKey()
            #expect(!before.contains(newKid))
            let after = try await Self.kids(fixture)
            #expect(after == [newKid] + before)

            let new = try await Self.mint(fixture)
            #expect(new.kid == newKid)
            for token in [old.token, new.token] {
                let verified = try await fixture.python("verify_jwt.py", [fixture.server.baseURL.absoluteString, fixture.caPath, token])
                #expect(try JSONValue.parse(Data(verified.stdout.utf8))["valid"] == true, "\(verified.description)")
            }
            // Both authenticate (TokenRequest's default audience is the API server's own).
            let apiToken = try await fixture.curl("POST", Self.tokenPath, json: ["spec": [:]])
            let defaulted = try #require(apiToken.body[path: ["status", "token"]]?.stringValue)
            #expect(try await fixture.curl("GET", "/apis", token: defaulted).status == 200)
            #expect(try await fixture.curl("GET", "/apis", token: defaulted + "x").status == 401)
        }
    }
}
