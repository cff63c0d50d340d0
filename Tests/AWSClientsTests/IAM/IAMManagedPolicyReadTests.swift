import AWSClients
import Foundation
import Testing

extension MotoBackedTests {
    /// GetPolicy and GetPolicyVersion against moto: the default version and its URL-decoded
    /// document, for an AWS managed policy and a customer-managed one with a second version.
    @Suite struct IAMManagedPolicyReads {
        static func client(_ moto: MotoServer) -> IAMClient {
            IAMClient(
                configuration: moto.configuration(accountId: MotoServer.newAccountId()), httpClient: moto.httpClient,
                credentialProvider: StaticCredentialProvider(.testDefault))
        }

        @Test func anAWSManagedPolicysDefaultVersionAndDocument() async throws {
            let iam = Self.client(try currentMoto())
            let arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

            let policy = try await iam.getPolicy(policyArn: arn)
            #expect(policy.arn == arn)
            #expect(policy.policyName == "AmazonS3ReadOnlyAccess")
            #expect(!policy.defaultVersionId.isEmpty)

            let version = try await iam.getPolicyVersion(policyArn: arn, versionId: policy.defaultVersionId)
            #expect(version.versionId == policy.defaultVersionId)
            #expect(version.isDefaultVersion)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(version.document.utf8)) as? [String: Any])
            #expect(json["Version"] as? String == "2012-10-17")
            #expect(version.document.contains("s3:Get*"), "\(version.document)")
        }

        @Test func aCustomerPolicysNewDefaultVersionIsReadDecoded() async throws {
            let iam = Self.client(try currentMoto())
            let first = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a b/%*"}]}"#
            let second = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],"Resource":"*"}]}"#
            let arn = try await iam.executor.perform(
                action: "CreatePolicy", parameters: [("PolicyName", "deployer"), ("Path", "/team/"), ("PolicyDocument", first)]
            ) { root throws(XMLDecodingError) in
                try root.requiredText(at: ["CreatePolicyResult", "Policy", "Arn"])
            }
            #expect(try await iam.getPolicy(policyArn: arn).defaultVersionId == "v1")
            #expect(try await iam.getPolicyVersion(policyArn: arn, versionId: "v1").document == first)

            try await iam.executor.perform(
                action: "CreatePolicyVersion", parameters: [("PolicyArn", arn), ("PolicyDocument", second), ("SetAsDefault", "true")]
            ) { _ throws(XMLDecodingError) in () }

            let policy = try await iam.getPolicy(policyArn: arn)
            #expect(policy == ManagedPolicy(arn: arn, policyName: "deployer", defaultVersionId: "v2"))
            #expect(try await iam.getPolicyVersion(policyArn: arn, versionId: "v2") == ManagedPolicyVersion(versionId: "v2", isDefaultVersion: true, document: second))
            #expect(try await iam.getPolicyVersion(policyArn: arn, versionId: "v1").isDefaultVersion == false)
        }

        @Test func anUnknownPolicyIsNoSuchEntity() async throws {
            let iam = Self.client(try currentMoto())
            let missing = await #expect(throws: AWSClientError.self) {
                try await iam.getPolicy(policyArn: "arn:aws:iam::123456789012:policy/nowhere")
            }
            #expect(missing?.isNoSuchEntity == true)
            let noVersion = await #expect(throws: AWSClientError.self) {
                try await iam.getPolicyVersion(policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", versionId: "v999")
            }
            #expect(noVersion?.isNoSuchEntity == true)
        }
    }
}
