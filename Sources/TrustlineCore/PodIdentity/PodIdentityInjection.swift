/// What the pod identity webhook puts into one pod (docs/pod-identity-webhook.md): the role to
/// assume and how the projected token is made. The names are those the EKS pod identity webhook
/// uses, so the AWS SDKs' web identity provider finds the credentials without any setting.
public struct PodIdentityInjection: Sendable, Equatable {
    /// Where the values came from, for logs and tests.
    public enum Source: Sendable, Equatable {
        /// The named `WorkloadAwsAccess` of the pod's namespace.
        case resource(name: String)
        /// The ServiceAccount's own `eks.amazonaws.com/role-arn` annotation (set by hand or another tool).
        case serviceAccountAnnotation
    }

    public static let roleArnEnv = "AWS_ROLE_ARN"
    public static let tokenFileEnv = "AWS_WEB_IDENTITY_TOKEN_FILE"
    public static let regionalEndpointsEnv = "AWS_STS_REGIONAL_ENDPOINTS"
    public static let regionEnv = "AWS_REGION"
    public static let defaultRegionEnv = "AWS_DEFAULT_REGION"
    public static let volumeName = "aws-iam-token"
    public static let mountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
    public static let tokenPath = "token"
    public static let tokenFile = mountPath + "/" + tokenPath
    /// The pod annotation naming containers (comma-separated) that get no mount and no env.
    public static let skipContainersAnnotation = "eks.amazonaws.com/skip-containers"
    /// The token lifetime when neither the resource nor the ServiceAccount sets one (the EKS
    /// webhook's default, one day).
    public static let defaultTokenExpirationSeconds = 86400
    /// The range the kubelet and the EKS webhook accept for a projected token's lifetime.
    public static let tokenExpirationRange = 600...86400

    public var roleArn: String
    public var audience: String
    public var tokenExpirationSeconds: Int
    /// Adds `AWS_STS_REGIONAL_ENDPOINTS=regional`.
    public var regionalEndpoints: Bool
    /// Adds `AWS_REGION` and `AWS_DEFAULT_REGION` when set.
    public var region: String?
    public var source: Source

    public init(roleArn: String, audience: String, tokenExpirationSeconds: Int, regionalEndpoints: Bool, region: String?, source: Source) {
        self.roleArn = roleArn
        self.audience = audience
        self.tokenExpirationSeconds = tokenExpirationSeconds
        self.regionalEndpoints = regionalEndpoints
        self.region = region
        self.source = source
    }

    /// The env vars to inject, in the order they are appended.
    public var environment: [(name: String, value: String)] {
        var variables = [(Self.roleArnEnv, roleArn), (Self.tokenFileEnv, Self.tokenFile)]
        if regionalEndpoints { variables.append((Self.regionalEndpointsEnv, "regional")) }
        if let region, !region.isEmpty {
            variables.append((Self.regionEnv, region))
            variables.append((Self.defaultRegionEnv, region))
        }
        return variables.map { (name: $0.0, value: $0.1) }
    }
}
