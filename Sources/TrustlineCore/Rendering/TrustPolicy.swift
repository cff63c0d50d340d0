import KubeModels

/// Renders the one trust policy Trustline ever writes (docs/design.md section 2): only the OIDC provider
/// may assume the role, only with a token whose `sub` is this resource's own namespace and
/// ServiceAccount and whose `aud` is the spec's audience.
public enum TrustPolicy {
    /// The trust policy document for `serviceAccount` in `namespace` (always the resource's own).
    public static func document(context: RenderingContext, namespace: String, serviceAccount: String, audience: String) -> JSONValue {
        let issuer = context.issuerHostAndPath
        return [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Effect": "Allow",
                    "Principal": ["Federated": .string(context.oidcProviderArn)],
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": [
                        "StringEquals": [
                            "\(issuer):sub": .string("system:serviceaccount:\(namespace):\(serviceAccount)"),
                            "\(issuer):aud": .string(audience),
                        ]
                    ],
                ]
            ],
        ]
    }

    /// The trust policy of a resource.
    public static func document(for resource: WorkloadAwsAccess, context: RenderingContext) -> JSONValue {
        document(
            context: context, namespace: resource.namespace,
            serviceAccount: RoleNaming.serviceAccountName(for: resource), audience: resource.spec.audience)
    }
}
