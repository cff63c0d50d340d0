import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

/// The publishing settings are checked when they load: bucket names by S3's rules (and the dot
/// that breaks the issuer's TLS), prefixes without `.`/`..` segments, errors naming the setting.
@Suite struct OIDCPublishTargetTests {
    struct BucketCase: Sendable, CustomTestStringConvertible {
        var bucket: String
        var explicitIssuer: Bool
        /// A word the problem must contain; nil: the name is fine.
        var problem: String?
        var testDescription: String { "\(bucket) explicit=\(explicitIssuer)" }
    }

    static let buckets: [BucketCase] = [
        BucketCase(bucket: "trustline-oidc", explicitIssuer: false, problem: nil),
        BucketCase(bucket: "abc", explicitIssuer: false, problem: nil),
        BucketCase(bucket: String(repeating: "a", count: 63), explicitIssuer: false, problem: nil),
        BucketCase(bucket: "ab", explicitIssuer: false, problem: "2 characters"),
        BucketCase(bucket: String(repeating: "a", count: 64), explicitIssuer: false, problem: "64 characters"),
        BucketCase(bucket: "Trustline", explicitIssuer: false, problem: "\"T\""),
        BucketCase(bucket: "trust_line", explicitIssuer: false, problem: "\"_\""),
        BucketCase(bucket: "-trustline", explicitIssuer: false, problem: "start and end"),
        BucketCase(bucket: "trustline-", explicitIssuer: false, problem: "start and end"),
        BucketCase(bucket: "oidc.example", explicitIssuer: false, problem: "TLS certificate"),
        BucketCase(bucket: "oidc.example", explicitIssuer: true, problem: nil),
        BucketCase(bucket: "oidc..example", explicitIssuer: true, problem: "\"..\""),
        BucketCase(bucket: "192.168.1.10", explicitIssuer: true, problem: "IP address"),
    ]

    @Test(arguments: buckets)
    func bucketNames(_ testCase: BucketCase) {
        let problem = OIDCPublishTarget.bucketProblem(testCase.bucket, explicitIssuer: testCase.explicitIssuer)
        if let expected = testCase.problem {
            #expect(problem?.contains(expected) == true, "\(problem ?? "no problem")")
        } else {
            #expect(problem == nil)
        }
    }

    @Test(arguments: [("", true), ("prod", true), ("/clusters/prod/", true), ("a_b~c.d", true),
                      ("../other", false), ("a/./b", false), ("a/..", false), ("with space", false), ("a?b", false)])
    func prefixes(_ prefix: String, _ accepted: Bool) {
        #expect((OIDCPublishTarget.prefixProblem(prefix) == nil) == accepted)
    }

    @Test func loaderNamesTheSetting() throws {
        let loaded = try SettingsLoader.load(flags: [
            "clusterName": .scalar("prod"), "oidcPublishBucket": .scalar("trustline-oidc"), "oidcPublishPrefix": .scalar("clusters/prod"),
        ])
        #expect(loaded.oidcPublishBucket == "trustline-oidc")
        #expect(loaded.oidcPublishPrefix == "clusters/prod")
        #expect(try SettingsLoader.load(flags: ["clusterName": .scalar("prod")]).oidcPublishBucket == nil)
        #expect {
            try SettingsLoader.load(flags: ["clusterName": .scalar("prod"), "oidcPublishBucket": .scalar("Bad_Bucket")])
        } throws: { ($0 as? SettingsError)?.setting == "oidcPublishBucket" }
        #expect {
            try SettingsLoader.load(environment: SettingsLoader.environmentLayer([
                "TRUSTLINE_CLUSTER_NAME": "prod", "TRUSTLINE_OIDC_PUBLISH_BUCKET": "trustline-oidc", "TRUSTLINE_OIDC_PUBLISH_PREFIX": "a/../b",
            ]))
        } throws: { ($0 as? SettingsError)?.setting == "oidcPublishPrefix" }
    }
}

/// A published object is rewritten only when what S3 holds says something else.
@Suite struct PublishedObjectStateTests {
    static let object = OIDCPublication.Object(
        key: "openid/v1/jwks", document: ["keys": [["kid": "a", "n": "x/y", "e": "AQAB"]]])

    @Test(arguments: [
        // Same document, other layout: current.
        (#"{"keys":[{"e":"AQAB","kid":"a","n":"x/y"}]}"#, "application/json", PublishedObjectState.current),
        (#"{ "keys" : [ { "n" : "x\/y", "kid":"a", "e":"AQAB" } ] }"#, "application/json; charset=utf-8", .current),
        // Another key, another type, not JSON.
        (#"{"keys":[{"e":"AQAB","kid":"b","n":"x/y"}]}"#, "application/json", .differs("the stored document differs")),
        (#"{"keys":[{"e":"AQAB","kid":"a","n":"x/y"}]}"#, "binary/octet-stream",
         .differs("the stored content type is binary/octet-stream, not application/json")),
        ("<html/>", "application/json", .differs("the stored object is not JSON")),
    ] as [(String, String, PublishedObjectState)])
    func comparesSemantically(_ body: String, _ contentType: String, _ expected: PublishedObjectState) {
        #expect(PublishedObjectState.compare(Self.object, stored: (Data(body.utf8), contentType)) == expected)
    }

    @Test func missingAndOwnBytes() {
        #expect(PublishedObjectState.compare(Self.object, stored: nil) == .missing)
        #expect(PublishedObjectState.compare(Self.object, stored: nil).needsWrite)
        let own = PublishedObjectState.compare(Self.object, stored: (Self.object.body, Self.object.contentType))
        #expect(own == .current && !own.needsWrite)
    }
}
