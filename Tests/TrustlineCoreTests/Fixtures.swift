import Foundation
import KubeModels
@testable import TrustlineCore

/// Shared inputs of the TrustlineCore tests: docs/design.md section 1's example and a standard context.
enum Fixtures {
    static let issuer = "https://oidc.example.com/id/ABC"
    static let context = RenderingContext(clusterName: "prod", partition: "aws", accountId: "123456789012", oidcIssuer: issuer)
    static let settings = OperatorSettings(clusterName: "prod")

    static let s3Document: JSONValue = [
        "Version": "2012-10-17",
        "Statement": [
            [
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
            ]
        ],
    ]

    /// docs/design.md section 1's `my-app` in `production`.
    static func myApp() -> WorkloadAwsAccess {
        WorkloadAwsAccess(
            metadata: ObjectMeta(name: "my-app", namespace: "production", uid: "uid-1", generation: 3),
            spec: WorkloadAwsAccessSpec(
                serviceAccount: ServiceAccountSpec(name: "my-app", create: true),
                role: RoleSpec(tags: ["team": "payments"]),
                inlinePolicies: [InlinePolicy(name: "s3-access", document: s3Document)],
                managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                stsRegionalEndpoints: true,
                tokenExpirationSeconds: 86400))
    }

    /// A resource whose only inline policy is `document`.
    static func withDocument(_ document: JSONValue) -> WorkloadAwsAccess {
        var resource = myApp()
        resource.spec.inlinePolicies = [InlinePolicy(name: "p", document: document)]
        return resource
    }

    /// Parses JSON text in a test.
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The failures of a resource under the default settings.
    static func failures(_ resource: WorkloadAwsAccess, settings: OperatorSettings = Fixtures.settings) -> [ValidationFailure] {
        SpecValidator.validate(resource, settings: settings, context: context)
    }
}
