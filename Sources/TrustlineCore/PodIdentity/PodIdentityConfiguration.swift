/// What the webhook knows beyond the pod and the cluster's objects: the operator's settings and
/// rendering context (so a resource's role ARN is the one the operator converges), and the region
/// to announce to the SDKs, if one is configured.
public struct PodIdentityConfiguration: Sendable, Equatable {
    public var settings: OperatorSettings
    public var context: RenderingContext
    /// `nil` or empty: no `AWS_REGION`/`AWS_DEFAULT_REGION` is injected.
    public var region: String?

    public init(settings: OperatorSettings, context: RenderingContext, region: String? = nil) {
        self.settings = settings
        self.context = context
        self.region = region
    }
}
