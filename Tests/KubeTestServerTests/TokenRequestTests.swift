import Foundation
import Testing
@testable import KubeTestServer

@Suite struct TokenRequestTests {
    static let tokenPath = "/api/v1/namespaces/default/serviceaccounts/app/token"

    @Test func tokenVerifiesAgainstServedJWKS() async throws {
        try await ServerFixture.with { fixture in
            let account = try await fixture.curl("POST", "/api/v1/namespaces/default/serviceaccounts", json: ["metadata": ["name": "app"]])
            let accountUID = try #require(account.body.uid)
            let response = try await fixture.curl(
                "POST", Self.tokenPath,
                json: ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                       "spec": ["audiences": ["sts.amazonaws.com"], "expirationSeconds": 7200]])
            #expect(response.status == 201)
            #expect(response.body["kind"] == "TokenRequest")
            let token = try #require(response.body[path: ["status", "token"]]?.stringValue)
            #expect(response.body[path: ["status", "expirationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)

            let verified = try await fixture.python("verify_jwt.py", [fixture.server.baseURL.absoluteString, fixture.caPath, token])
            #expect(verified.status == 0, "\(verified.description)")
            let result = try JSONValue.parse(Data(verified.stdout.utf8))
            #expect(result["valid"] == true)
            #expect(result[path: ["header", "alg"]] == "RS256")
            let claims = try #require(result["claims"])
            #expect(claims["iss"]?.stringValue == fixture.server.issuer)
            #expect(claims["sub"] == "system:serviceaccount:default:app")
            #expect(claims["aud"] == ["sts.amazonaws.com"])
            let issuedAt = try #require(claims["iat"]?.intValue)
            #expect(claims["exp"]?.intValue == issuedAt + 7200)
            #expect(claims["nbf"]?.intValue == issuedAt)
            #expect(claims[path: ["kubernetes.io", "namespace"]] == "default")
            #expect(claims[path: ["kubernetes.io", "serviceaccount", "name"]] == "app")
            #expect(claims[path: ["kubernetes.io", "serviceaccount", "uid"]]?.stringValue == accountUID)

            // A tampered payload does not verify.
            let parts = token.split(separator: ".")
            let forged = "\(parts[0]).\(Base64URL.encode(Data("{\"sub\":\"system:serviceaccount:kube-system:admin\"}".utf8))).\(parts[2])"
            let rejected = try await fixture.python("verify_jwt.py", [fixture.server.baseURL.absoluteString, fixture.caPath, forged])
            #expect(try JSONValue.parse(Data(rejected.stdout.utf8))["valid"] == false)
        }
    }

    @Test func defaultsAndErrors() async throws {
        try await ServerFixture.with { fixture in
            let missing = try await fixture.curl("POST", Self.tokenPath, json: ["spec": [:]])
            #expect(missing.status == 404)
            #expect(missing.body["message"] == "serviceaccounts \"app\" not found")
            _ = try await fixture.curl("POST", "/api/v1/namespaces/default/serviceaccounts", json: ["metadata": ["name": "app"]])
            let tooShort = try await fixture.curl("POST", Self.tokenPath, json: ["spec": ["expirationSeconds": 60]])
            #expect(tooShort.status == 422)
            #expect(tooShort.body[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "spec.expirationSeconds")
            let defaulted = try await fixture.curl("POST", Self.tokenPath, json: ["spec": [:]])
            #expect(defaulted.body[path: ["spec", "audiences"]] == .array([.string(fixture.server.issuer)]))
            #expect(defaulted.body[path: ["spec", "expirationSeconds"]] == 3600)
        }
    }
}
