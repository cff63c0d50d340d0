import Testing

/// The umbrella suite of every test that talks to the shared moto_server; the nested suites
/// (in IAM/ and STS/) extend it, so one moto process serves them all and each test isolates
/// itself with its own account id.
@Suite(.motoServer)
struct MotoBackedTests {}

/// Policy documents the moto tests use.
enum TestPolicies {
    static func trust(subject: String = "system:serviceaccount:default:app") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":"\#(subject)"}}}]}"#
    }

    static func s3Read(bucket: String = "my-bucket") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::\#(bucket)/*"]}]}"#
    }
}
