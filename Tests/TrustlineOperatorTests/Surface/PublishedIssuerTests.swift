import Foundation
import HTTPTransport
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// With `oidcPublishBucket` the trust policies name the published issuer (the bucket's regional
/// S3 URL plus the prefix, or `oidcIssuer` when it names a host in front), not the one the API
/// server announces, and no discovery request is made for it; without a region it says what to set.
struct PublishedIssuerTests {
    static let logger = Logger(label: "trustline.test") { _ in SwiftLogNoOpLogHandler() }

    @Test func thePublishedIssuerIsTheBucketsRegionalURL() async throws {
        let peers = try ScriptedPeers(region: "eu-west-1", kubernetes: ScriptedPeers.unexpected, aws: ScriptedPeers.unexpected)
        var settings = OperatorSettings(clusterName: "prod", awsAccountId: "123456789012", manageOidcProvider: true)
        settings.oidcPublishBucket = "trustline-oidc"
        settings.oidcPublishPrefix = "/clusters/prod/"
        let environment = try await EnvironmentResolver(settings: settings, kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger).resolve()
        #expect(environment.oidcIssuer == "https://trustline-oidc.s3.eu-west-1.amazonaws.com/clusters/prod")
        #expect(environment.oidcThumbprints == [], "S3's CA is one IAM trusts without a thumbprint")
        #expect(peers.kubernetesHTTP.requests.isEmpty)
        #expect(peers.awsHTTP.requests.isEmpty)
    }

    @Test(arguments: [
        ("cn-north-1", nil, "https://b-1.s3.cn-north-1.amazonaws.com.cn"),
        ("us-east-1", "https://d111.cloudfront.net/prod/", "https://d111.cloudfront.net/prod"),
    ] as [(String, String?, String)])
    func partitionAndExplicitIssuer(_ region: String, _ explicit: String?, _ expected: String) throws {
        var settings = OperatorSettings(clusterName: "prod", oidcIssuer: explicit)
        settings.oidcPublishBucket = "b-1"
        #expect(try EnvironmentResolver.publishedIssuer(bucket: "b-1", settings: settings, region: region) == expected)
    }

    @Test func noRegionNamesTheVariable() {
        var settings = OperatorSettings(clusterName: "prod")
        settings.oidcPublishBucket = "trustline-oidc"
        #expect {
            try EnvironmentResolver.publishedIssuer(bucket: "trustline-oidc", settings: settings, region: nil)
        } throws: { "\($0)".contains("AWS_REGION") && "\($0)".contains("trustline-oidc") }
    }
}
