import Foundation
import Testing
@testable import AWSClients

@Suite struct EndpointResolverTests {
    @Test(arguments: [
        ("us-east-1", AWSPartition.aws), ("eu-west-1", .aws), ("ap-southeast-5", .aws), ("US-WEST-2", .aws),
        ("cn-north-1", .awsCN), ("cn-northwest-1", .awsCN),
        ("us-gov-west-1", .awsUSGov), ("us-gov-east-1", .awsUSGov),
    ])
    func partitionFromRegion(region: String, partition: AWSPartition) {
        #expect(AWSPartition(region: region) == partition)
    }

    @Test func partitionRawValuesAreTheARNPartitionNames() {
        #expect(AWSPartition.allCases.map(\.rawValue) == ["aws", "aws-cn", "aws-us-gov"])
    }

    @Test(arguments: [
        (nil, "https://iam.amazonaws.com/", "us-east-1"),
        ("us-east-1", "https://iam.amazonaws.com/", "us-east-1"),
        ("eu-central-1", "https://iam.amazonaws.com/", "us-east-1"),
        ("cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        ("cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        ("us-gov-west-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"),
        ("us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"),
    ] as [(String?, String, String)])
    func iamDefaultsPerPartition(region: String?, url: String, signingRegion: String) {
        let endpoint = EndpointResolver(environment: [:]).iam(region: region)
        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.signingRegion == signingRegion)
    }

    @Test(arguments: [
        (nil, "https://sts.amazonaws.com/", "us-east-1"),
        ("us-east-1", "https://sts.us-east-1.amazonaws.com/", "us-east-1"),
        ("eu-west-1", "https://sts.eu-west-1.amazonaws.com/", "eu-west-1"),
        ("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        ("cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1"),
        ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com/", "us-gov-west-1"),
        ("us-gov-east-1", "https://sts.us-gov-east-1.amazonaws.com/", "us-gov-east-1"),
        (" EU-NORTH-1 ", "https://sts.eu-north-1.amazonaws.com/", "eu-north-1"),
        ("not a region", "https://sts.amazonaws.com/", "us-east-1"),
    ] as [(String?, String, String)])
    func stsIsRegionalOrGlobalWithoutARegion(region: String?, url: String, signingRegion: String) {
        let endpoint = EndpointResolver(environment: [:]).sts(region: region)
        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.signingRegion == signingRegion)
    }

    static let local = "http://127.0.0.1:5000"
    static let other = "http://127.0.0.1:6000"

    @Test(arguments: [
        // (environment, region, expected IAM URL, expected STS URL)
        (["AWS_ENDPOINT_URL": local], "eu-west-1", local, local),
        (["AWS_ENDPOINT_URL_IAM": local], "eu-west-1", local, "https://sts.eu-west-1.amazonaws.com/"),
        (["AWS_ENDPOINT_URL_STS": local], "eu-west-1", "https://iam.amazonaws.com/", local),
        (["AWS_ENDPOINT_URL_IAM": local, "AWS_ENDPOINT_URL": other], "eu-west-1", local, other),
        (["AWS_ENDPOINT_URL_STS": local, "AWS_ENDPOINT_URL": other], "eu-west-1", other, local),
        (["AWS_ENDPOINT_URL_IAM": "", "AWS_ENDPOINT_URL": other], "eu-west-1", other, other),
        (["AWS_ENDPOINT_URL": local, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"], "eu-west-1",
         "https://iam.amazonaws.com/", "https://sts.eu-west-1.amazonaws.com/"),
        (["AWS_ENDPOINT_URL": local, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"], "eu-west-1", local, local),
        (["AWS_ENDPOINT_URL_IAM": "not a url", "AWS_ENDPOINT_URL": other], "eu-west-1", other, other),
        (["AWS_ENDPOINT_URL": "https://proxy.example.com/aws"], nil,
         "https://proxy.example.com/aws", "https://proxy.example.com/aws"),
    ] as [([String: String], String?, String, String)])
    func overridesTakePrecedenceServiceSpecificFirst(
        environment: [String: String], region: String?, iamURL: String, stsURL: String
    ) {
        let resolver = EndpointResolver(environment: environment)
        #expect(resolver.iam(region: region).url.absoluteString == iamURL)
        #expect(resolver.sts(region: region).url.absoluteString == stsURL)
    }

    @Test(arguments: [
        ("us-gov-west-1", "us-gov-west-1", "us-gov-west-1"),
        ("cn-northwest-1", "cn-north-1", "cn-northwest-1"),
        ("eu-west-1", "us-east-1", "eu-west-1"),
        (nil, "us-east-1", "us-east-1"),
    ] as [(String?, String, String)])
    func overriddenEndpointsKeepThePartitionSigningRegion(region: String?, iamRegion: String, stsRegion: String) {
        let resolver = EndpointResolver(environment: ["AWS_ENDPOINT_URL": Self.local])
        #expect(resolver.iam(region: region) == AWSEndpoint(url: URL(string: Self.local)!, signingRegion: iamRegion))
        #expect(resolver.sts(region: region) == AWSEndpoint(url: URL(string: Self.local)!, signingRegion: stsRegion))
    }

    @Test(arguments: [
        ([:], nil),
        (["AWS_REGION": "eu-west-1"], "eu-west-1"),
        (["AWS_DEFAULT_REGION": "ap-south-1"], "ap-south-1"),
        (["AWS_REGION": "us-gov-west-1", "AWS_DEFAULT_REGION": "ap-south-1"], "us-gov-west-1"),
        (["AWS_REGION": "  ", "AWS_DEFAULT_REGION": "cn-north-1"], "cn-north-1"),
        (["AWS_REGION": " us-east-2\n"], "us-east-2"),
    ] as [([String: String], String?)])
    func regionComesFromAWSRegionThenDefaultRegion(environment: [String: String], region: String?) {
        #expect(EndpointResolver.region(environment: environment) == region)
    }

    @Test(arguments: [
        (["AWS_ENDPOINT_URL_IAM": "localhost:5000"], EndpointResolverError.invalidEndpointURL(
            variable: "AWS_ENDPOINT_URL_IAM", value: "localhost:5000")),
        (["AWS_ENDPOINT_URL_STS": "ftp://sts.example.com"], EndpointResolverError.invalidEndpointURL(
            variable: "AWS_ENDPOINT_URL_STS", value: "ftp://sts.example.com")),
        (["AWS_ENDPOINT_URL": "http://"], EndpointResolverError.invalidEndpointURL(
            variable: "AWS_ENDPOINT_URL", value: "http://")),
        (["AWS_REGION": "us east 1"], EndpointResolverError.invalidRegion(variable: "AWS_REGION", value: "us east 1")),
        (["AWS_DEFAULT_REGION": "eu_west_1"], EndpointResolverError.invalidRegion(
            variable: "AWS_DEFAULT_REGION", value: "eu_west_1")),
    ] as [([String: String], EndpointResolverError)])
    func validatingInitNamesTheBadVariable(environment: [String: String], expected: EndpointResolverError) throws {
        let error = try #require(throws: EndpointResolverError.self) { try EndpointResolver(validating: environment) }
        #expect(error == expected)
        let variable = try #require(environment.keys.first)
        #expect(error.description.contains(variable))
    }

    @Test func validatingInitAcceptsGoodSettings() throws {
        let resolver = try EndpointResolver(validating: [
            "AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL": "https://proxy.example.com",
            "AWS_REGION": "us-gov-west-1",
        ])
        #expect(resolver.iam(region: "us-gov-west-1").url.absoluteString == "http://127.0.0.1:5000")
    }

    @Test func errorMessagesSayWhatAValidValueLooksLike() {
        let url = EndpointResolverError.invalidEndpointURL(variable: "AWS_ENDPOINT_URL_IAM", value: "x").description
        #expect(url.contains("AWS_ENDPOINT_URL_IAM='x'"))
        #expect(url.contains("http://127.0.0.1:5000"))
        let region = EndpointResolverError.invalidRegion(variable: "AWS_REGION", value: "x y").description
        #expect(region.contains("AWS_REGION='x y'"))
        #expect(region.contains("us-east-1"))
    }
}
