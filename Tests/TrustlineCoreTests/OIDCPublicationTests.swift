import Foundation
import KubeModels
import Testing
import TrustlineCore

/// The objects OIDC publishing writes, the issuer it publishes, the issuer check that stops it,
/// and which issuers AWS STS can reach at all.
@Suite struct OIDCPublicationTests {
    static let jwks: JSONValue = .object(["keys": .array([.object([
        "use": .string("sig"), "kty": .string("RSA"), "kid": .string("k1"), "alg": .string("RS256"),
        "n": .string("xGOr-H7A"), "e": .string("AQAB"),
    ])])])

    static func discovery(issuer: String) -> JSONValue {
        .object([
            "issuer": .string(issuer),
            "jwks_uri": .string("https://10.0.0.1:6443/openid/v1/jwks"),
            "response_types_supported": .array([.string("id_token")]),
            "subject_types_supported": .array([.string("public")]),
            "id_token_signing_alg_values_supported": .array([.string("RS256")]),
        ])
    }

    @Test(arguments: [
        ("oidc-bucket", "", "us-east-1", nil, "https://oidc-bucket.s3.us-east-1.amazonaws.com"),
        ("oidc-bucket", "prod", "eu-west-1", nil, "https://oidc-bucket.s3.eu-west-1.amazonaws.com/prod"),
        ("oidc-bucket", "/a/b/", "eu-west-1", nil, "https://oidc-bucket.s3.eu-west-1.amazonaws.com/a/b"),
        ("oidc-bucket", "", "cn-north-1", nil, "https://oidc-bucket.s3.cn-north-1.amazonaws.com.cn"),
        ("oidc-bucket", "prod", "us-east-1", "https://d111.cloudfront.net/prod/", "https://d111.cloudfront.net/prod"),
    ] as [(String, String, String, String?, String)])
    func publishedIssuer(bucket: String, prefix: String, region: String, explicit: String?, expected: String) {
        #expect(OIDCPublication.issuer(bucket: bucket, prefix: prefix, region: region, explicitIssuer: explicit) == expected)
    }

    @Test func rendersBothObjectsUnderThePrefix() throws {
        let issuer = "https://oidc-bucket.s3.eu-west-1.amazonaws.com/prod"
        let publication = try OIDCPublication.render(
            issuer: issuer, prefix: "/prod/", apiServerDiscovery: Self.discovery(issuer: issuer + "/"), apiServerJWKS: Self.jwks)
        #expect(publication.discovery.key == "prod/.well-known/openid-configuration")
        #expect(publication.jwks.key == "prod/openid/v1/jwks")
        #expect(publication.objects.allSatisfy { $0.contentType == "application/json" })
        guard case .object(let discovery) = publication.discovery.document else {
            Issue.record("discovery is not an object")
            return
        }
        #expect(discovery["issuer"] == .string(issuer))
        #expect(discovery["jwks_uri"] == .string(issuer + "/openid/v1/jwks"))
        // The rest as the API server serves it.
        #expect(discovery["id_token_signing_alg_values_supported"] == .array([.string("RS256")]))
        #expect(discovery["response_types_supported"] == .array([.string("id_token")]))
        #expect(publication.jwks.document == Self.jwks)
        // The bytes are stable and are the document.
        #expect(publication.jwks.body == publication.jwks.body)
        #expect(try JSONDecoder().decode(JSONValue.self, from: publication.discovery.body) == publication.discovery.document)
        #expect(String(decoding: publication.discovery.body, as: UTF8.self).contains("\"jwks_uri\":\"https://oidc-bucket.s3.eu-west-1.amazonaws.com/prod/openid/v1/jwks\""))
    }

    @Test func aRotatedKeyChangesOnlyTheJWKS() throws {
        let issuer = "https://b.s3.us-east-1.amazonaws.com"
        let before = try OIDCPublication.render(issuer: issuer, prefix: "", apiServerDiscovery: Self.discovery(issuer: issuer), apiServerJWKS: Self.jwks)
        guard case .object(var set) = Self.jwks, case .array(var keys)? = set["keys"] else { return }
        keys.append(.object(["kty": .string("RSA"), "kid": .string("k2"), "n": .string("zz"), "e": .string("AQAB")]))
        set["keys"] = .array(keys)
        let after = try OIDCPublication.render(issuer: issuer, prefix: "", apiServerDiscovery: Self.discovery(issuer: issuer), apiServerJWKS: .object(set))
        #expect(before.discovery.body == after.discovery.body)
        #expect(before.jwks.body != after.jwks.body)
    }

    @Test func anotherIssuerOnTheAPIServerStopsPublishingAndNamesTheFlag() {
        let published = "https://oidc-bucket.s3.eu-west-1.amazonaws.com"
        let error = #expect(throws: OIDCPublicationError.self) {
            try OIDCPublication.render(
                issuer: published, prefix: "", apiServerDiscovery: Self.discovery(issuer: "https://kubernetes.default.svc.cluster.local"),
                apiServerJWKS: Self.jwks)
        }
        #expect(error == .issuerMismatch(apiServer: "https://kubernetes.default.svc.cluster.local", published: published))
        #expect(error?.description.contains("--service-account-issuer=\(published)") == true)
        #expect(error?.description.contains("--service-account-jwks-uri=\(published)/openid/v1/jwks") == true)
    }

    @Test func unusableAnswersAreNamed() {
        let issuer = "https://b.s3.us-east-1.amazonaws.com"
        #expect(throws: OIDCPublicationError.self) {
            try OIDCPublication.render(issuer: issuer, prefix: "", apiServerDiscovery: .array([]), apiServerJWKS: Self.jwks)
        }
        #expect(throws: OIDCPublicationError.self) {
            try OIDCPublication.render(
                issuer: issuer, prefix: "", apiServerDiscovery: Self.discovery(issuer: issuer), apiServerJWKS: .object(["keys": .array([])]))
        }
    }

    @Test(arguments: [
        ("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", true),
        ("https://oidc-bucket.s3.eu-west-1.amazonaws.com/prod", true),
        ("https://d111.cloudfront.net", true),
        ("https://8.8.8.8", true),
        ("https://172.32.0.1", true),
        ("https://127.0.0.1:6443", false),
        ("https://localhost:6443", false),
        ("https://10.96.0.1", false),
        ("https://172.20.1.1", false),
        ("https://192.168.1.10:6443", false),
        ("https://100.64.0.1", false),
        ("https://169.254.169.254", false),
        ("https://[::1]:6443", false),
        ("https://[fd00::1]", false),
        ("https://kubernetes.default.svc", false),
        ("https://kubernetes.default.svc.cluster.local", false),
        ("https://api.k3s.internal", false),
        ("https://apiserver", false),
        ("http://oidc.example.com", false),
    ])
    func issuerReachability(issuer: String, reachable: Bool) {
        let verdict = IssuerReachability.classify(issuer)
        #expect((verdict == .publicHTTPS) == reachable, "\(issuer): \(verdict)")
        if case .unreachable(let reason) = verdict { #expect(reason.contains(issuer)) }
    }
}
