/// The AWS partitions Trustline supports. Exists because IAM's endpoint, its signing region and the
/// DNS suffix of regional endpoints all depend on the partition, not on the region itself.
public enum AWSPartition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    /// The partition a region belongs to: `cn-*` is aws-cn, `us-gov-*` is aws-us-gov, anything else aws.
    public init(region: String) {
        let region = region.lowercased()
        if region.hasPrefix("cn-") {
            self = .awsCN
        } else if region.hasPrefix("us-gov-") {
            self = .awsUSGov
        } else {
            self = .aws
        }
    }

    /// Domain suffix of the partition's regional endpoints.
    public var dnsSuffix: String {
        switch self {
        case .aws, .awsUSGov: "amazonaws.com"
        case .awsCN: "amazonaws.com.cn"
        }
    }

    /// IAM is global per partition: one host and one signing region for all of the partition's regions.
    /// (docs.aws.amazon.com/general/latest/gr/iam-service.html; the SDKs' aws-global, aws-cn-global and
    /// aws-us-gov-global endpoints.)
    public var iamHost: String {
        switch self {
        case .aws: "iam.amazonaws.com"
        case .awsCN: "iam.cn-north-1.amazonaws.com.cn"
        case .awsUSGov: "iam.us-gov.amazonaws.com"
        }
    }

    public var iamSigningRegion: String {
        switch self {
        case .aws: "us-east-1"
        case .awsCN: "cn-north-1"
        case .awsUSGov: "us-gov-west-1"
        }
    }
}
