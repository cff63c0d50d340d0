@testable import AWSClients
import Foundation
import HTTPTransport
import Testing

/// Where S3 requests go and which path they sign: path-style for an endpoint override (and for
/// dotted bucket names), virtual-hosted for AWS; keys encoded once, never normalized.
@Suite struct S3AddressingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var endpoint: String
        var addressing: S3Addressing
        var bucket: String
        var key: String
        var url: String
        var signingPath: String
        var testDescription: String { "\(addressing) \(bucket)/\(key)" }
    }

    static let cases: [Case] = [
        Case(endpoint: "http://127.0.0.1:5000", addressing: .pathStyle, bucket: "oidc", key: ".well-known/openid-configuration",
             url: "http://127.0.0.1:5000/oidc/.well-known/openid-configuration", signingPath: "/oidc/.well-known/openid-configuration"),
        Case(endpoint: "https://s3.eu-west-1.amazonaws.com/", addressing: .virtualHosted, bucket: "oidc", key: "prod/openid/v1/jwks",
             url: "https://oidc.s3.eu-west-1.amazonaws.com/prod/openid/v1/jwks", signingPath: "/prod/openid/v1/jwks"),
        // A space and a non-ASCII character are encoded once on the wire; the signer encodes the raw path the same way.
        Case(endpoint: "http://127.0.0.1:5000/", addressing: .pathStyle, bucket: "b-1", key: "a b/ü+x",
             url: "http://127.0.0.1:5000/b-1/a%20b/%C3%BC%2Bx", signingPath: "/b-1/a b/ü+x"),
        // `..` and `.` segments stay: S3 keys may contain them and S3 does not normalize.
        Case(endpoint: "http://localhost:9000", addressing: .pathStyle, bucket: "bucket", key: "x/../y/./z",
             url: "http://localhost:9000/bucket/x/../y/./z", signingPath: "/bucket/x/../y/./z"),
        // A dotted bucket cannot be a virtual host under the wildcard certificate: path-style.
        Case(endpoint: "https://s3.us-east-1.amazonaws.com", addressing: .virtualHosted, bucket: "oidc.example.com", key: "k",
             url: "https://s3.us-east-1.amazonaws.com/oidc.example.com/k", signingPath: "/oidc.example.com/k"),
        // The bucket itself (CreateBucket).
        Case(endpoint: "https://s3.cn-north-1.amazonaws.com.cn", addressing: .virtualHosted, bucket: "bucket", key: "",
             url: "https://bucket.s3.cn-north-1.amazonaws.com.cn/", signingPath: "/"),
        Case(endpoint: "http://gateway.internal:8080/s3", addressing: .pathStyle, bucket: "bucket", key: "k",
             url: "http://gateway.internal:8080/s3/bucket/k", signingPath: "/s3/bucket/k"),
    ]

    @Test(arguments: cases)
    func location(_ testCase: Case) throws {
        let location = try S3ObjectLocation.make(
            endpoint: try #require(URL(string: testCase.endpoint)), addressing: testCase.addressing,
            bucket: testCase.bucket, key: testCase.key)
        #expect(location.url.absoluteString == testCase.url)
        #expect(location.signingPath == testCase.signingPath)
    }

    @Test(arguments: ["ab", "Upper", "under_score", "-start", "end.", "a..b", String(repeating: "a", count: 64), ""])
    func refusesBadBucketNames(_ bucket: String) throws {
        let endpoint = try #require(URL(string: "http://127.0.0.1:5000"))
        let error = #expect(throws: AWSClientError.self) {
            try S3ObjectLocation.make(endpoint: endpoint, addressing: .pathStyle, bucket: bucket, key: "k")
        }
        guard case .invalidInput(let field, let reason)? = error else {
            Issue.record("expected invalidInput, got \(String(describing: error))")
            return
        }
        #expect(field == "bucket")
        #expect(reason.contains("3 to 63"))
    }

    @Test func endpointResolution() throws {
        let aws = EndpointResolver(environment: [:]).s3(region: "eu-central-1")
        #expect(aws.endpoint.url.absoluteString == "https://s3.eu-central-1.amazonaws.com/")
        #expect(aws.endpoint.signingRegion == "eu-central-1")
        #expect(aws.addressing == .virtualHosted)

        let china = EndpointResolver(environment: [:]).s3(region: "cn-northwest-1")
        #expect(china.endpoint.url.host == "s3.cn-northwest-1.amazonaws.com.cn")

        let noRegion = EndpointResolver(environment: [:]).s3(region: nil)
        #expect(noRegion.endpoint.signingRegion == "us-east-1")

        let specific = EndpointResolver(environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL": "http://other:1"])
            .s3(region: "us-west-2")
        #expect(specific.endpoint.url.absoluteString == "http://127.0.0.1:4566")
        #expect(specific.endpoint.signingRegion == "us-west-2")
        #expect(specific.addressing == .pathStyle)

        let general = EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://other:1"]).s3(region: nil)
        #expect(general.endpoint.url.absoluteString == "http://other:1")

        #expect(throws: EndpointResolverError.self) {
            try EndpointResolver(validating: ["AWS_ENDPOINT_URL_S3": "not a url"])
        }
    }

    @Test func bodilessErrorsAreNamedAfterTheirStatus() {
        let notFound = S3Client.decodeError(HTTPResponse(status: 404, headers: ["x-amz-request-id": "R1"]))
        #expect(notFound.serviceError == AWSError(code: "NotFound", message: "", requestId: "R1", httpStatus: 404))
        let slow = S3Client.decodeError(HTTPResponse(status: 503))
        #expect(slow.isThrottling)
        let xml = S3Client.decodeError(HTTPResponse(status: 404, body: Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>x</BucketName><RequestId>R2</RequestId></Error>
            """.utf8)))
        #expect(xml.serviceError?.code == "NoSuchBucket")
        #expect(xml.serviceError?.requestId == "R2")
        #expect(xml.serviceError?.message == "The specified bucket does not exist")
    }
}
