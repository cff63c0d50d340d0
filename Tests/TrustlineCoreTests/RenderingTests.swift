import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct RenderingTests {
    struct TrustCase: Sendable {
        var issuer: String
        var partition: String
        var namespace: String
        var serviceAccount: String?
        var audience: String
        var expected: String
    }

    static let trustCases: [TrustCase] = [
        TrustCase(
            issuer: "https://oidc.example.com/id/ABC", partition: "aws", namespace: "production", serviceAccount: nil, audience: "sts.amazonaws.com",
            expected: #"{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:aud":"sts.amazonaws.com","oidc.example.com/id/ABC:sub":"system:serviceaccount:production:my-app"}},"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"}}],"Version":"2012-10-17"}"#),
        TrustCase(
            issuer: "https://issuer.test/", partition: "aws-cn", namespace: "staging", serviceAccount: "queue-worker", audience: "my-aud",
            expected: #"{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"issuer.test:aud":"my-aud","issuer.test:sub":"system:serviceaccount:staging:queue-worker"}},"Effect":"Allow","Principal":{"Federated":"arn:aws-cn:iam::123456789012:oidc-provider/issuer.test"}}],"Version":"2012-10-17"}"#),
        TrustCase(
            issuer: "https://127.0.0.1:6443/k8s", partition: "aws-us-gov", namespace: "a", serviceAccount: "b.c", audience: "sts.amazonaws.com",
            expected: #"{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"127.0.0.1:6443/k8s:aud":"sts.amazonaws.com","127.0.0.1:6443/k8s:sub":"system:serviceaccount:a:b.c"}},"Effect":"Allow","Principal":{"Federated":"arn:aws-us-gov:iam::123456789012:oidc-provider/127.0.0.1:6443/k8s"}}],"Version":"2012-10-17"}"#),
    ]

    @Test(arguments: trustCases)
    func trustPolicyIsExactlyDesignSection2(_ testCase: TrustCase) throws {
        var resource = Fixtures.myApp()
        resource.metadata.namespace = testCase.namespace
        resource.spec.serviceAccount.name = testCase.serviceAccount
        resource.spec.audience = testCase.audience
        let context = RenderingContext(clusterName: "prod", partition: testCase.partition, accountId: "123456789012", oidcIssuer: testCase.issuer)
        let document = TrustPolicy.document(for: resource, context: context)
        #expect(CompactJSON.serialize(document) == testCase.expected)
        // The statement is a one-element list, as docs/design.md section 2 writes it, not a bare object.
        #expect(document["Statement"].map { if case .array(let items) = $0 { items.count } else { -1 } } == 1)
    }

    @Test func trustPolicyNamespaceIsAlwaysTheResourcesOwn() {
        // Nothing in the spec can name another namespace: a ServiceAccount name with a colon is refused.
        var resource = Fixtures.myApp()
        resource.metadata.namespace = "team-a"
        resource.spec.serviceAccount.name = "team-b:victim"
        let failures = Fixtures.failures(resource)
        #expect(failures.contains { $0.field == "spec.serviceAccount.name" && $0.reason == .invalidSpec })
        let rendered = CompactJSON.serialize(TrustPolicy.document(for: Fixtures.myApp(), context: Fixtures.context))
        #expect(rendered.contains("system:serviceaccount:production:my-app"))
    }

    struct NameCase: Sendable {
        var cluster: String
        var namespace: String
        var name: String
        var expected: String
    }

    static let nameCases: [NameCase] = [
        NameCase(cluster: "prod", namespace: "production", name: "my-app", expected: "prod.production.my-app"),
        NameCase(cluster: "prod", namespace: "team", name: "a-api", expected: "prod.team.a-api"),
        NameCase(cluster: "prod", namespace: "team-a", name: "api", expected: "prod.team-a.api"),
        NameCase(cluster: "c", namespace: "n", name: "x.y.z", expected: "c.n.x.y.z"),
        // 84 characters: cut to 55, "-", first 8 hex of SHA-256 of the full name (vector from Python's hashlib).
        NameCase(
            cluster: "production-cluster", namespace: "payments-team-namespace", name: "my-very-long-application-name-for-testing",
            expected: "production-cluster.payments-team-namespace.my-very-long-a358eca9"),
    ]

    @Test(arguments: nameCases)
    func derivedRoleNames(_ testCase: NameCase) {
        let name = RoleNaming.derivedName(clusterName: testCase.cluster, namespace: testCase.namespace, name: testCase.name)
        #expect(name == testCase.expected)
        #expect(name.count <= 64)
        #expect(IAMNames.isValidRoleName(name))
    }

    @Test func exactly64CharactersIsNotShortened() {
        let full = "c." + String(repeating: "n", count: 30) + "." + String(repeating: "m", count: 31)
        #expect(full.count == 64)
        #expect(RoleNaming.shorten(full) == full)
        #expect(RoleNaming.shorten(full + "x").count == 64)
        #expect(RoleNaming.shorten(full + "x") != RoleNaming.shorten(full + "y"))
    }

    @Test func desiredRoleOfDesignExample() {
        let role = DesiredRoleRenderer.render(Fixtures.myApp(), context: Fixtures.context)
        #expect(role.name == "prod.production.my-app")
        #expect(role.path == "/trustline/")
        #expect(role.arn == "arn:aws:iam::123456789012:role/trustline/prod.production.my-app")
        #expect(role.maxSessionDuration == 3600)
        #expect(role.tags == [
            "team": "payments", "trustline.dev/cluster": "prod", "trustline.dev/namespace": "production",
            "trustline.dev/name": "my-app", "trustline.dev/uid": "uid-1",
        ])
        #expect(role.inlinePolicies == ["s3-access": Fixtures.s3Document])
        #expect(role.managedPolicyArns == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
        #expect(role.permissionsBoundaryArn == nil)
    }

    @Test func explicitNameAndPathAndBoundary() {
        var resource = Fixtures.myApp()
        resource.spec.role.name = "payments-reader"
        resource.spec.role.path = "/teams/payments/"
        var context = Fixtures.context
        context.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/boundary"
        let role = DesiredRoleRenderer.render(resource, context: context)
        #expect(role.arn == "arn:aws:iam::123456789012:role/teams/payments/payments-reader")
        #expect(role.permissionsBoundaryArn == "arn:aws:iam::123456789012:policy/boundary")
    }

    struct AnnotationCase: Sendable {
        var audience: String
        var regional: Bool?
        var expiration: Int?
        var expected: [String: String]
    }

    static let arn = "arn:aws:iam::123456789012:role/trustline/prod.production.my-app"
    static let annotationCases: [AnnotationCase] = [
        AnnotationCase(audience: "sts.amazonaws.com", regional: nil, expiration: nil, expected: ["eks.amazonaws.com/role-arn": arn]),
        AnnotationCase(
            audience: "sts.amazonaws.com", regional: true, expiration: 86400,
            expected: ["eks.amazonaws.com/role-arn": arn, "eks.amazonaws.com/sts-regional-endpoints": "true", "eks.amazonaws.com/token-expiration": "86400"]),
        AnnotationCase(
            audience: "vault", regional: false, expiration: nil,
            expected: ["eks.amazonaws.com/role-arn": arn, "eks.amazonaws.com/audience": "vault", "eks.amazonaws.com/sts-regional-endpoints": "false"]),
    ]

    @Test(arguments: annotationCases)
    func serviceAccountAnnotations(_ testCase: AnnotationCase) {
        let spec = WorkloadAwsAccessSpec(audience: testCase.audience, stsRegionalEndpoints: testCase.regional, tokenExpirationSeconds: testCase.expiration)
        let annotations = ServiceAccountAnnotations.render(spec: spec, roleArn: Self.arn)
        #expect(annotations == testCase.expected)
        #expect(Set(annotations.keys).isSubset(of: Set(ServiceAccountAnnotations.managedKeys)))
    }

    @Test func serviceAccountNameDefaultsToMetadataName() {
        var resource = Fixtures.myApp()
        resource.spec.serviceAccount.name = ""
        resource.metadata.name = "other"
        #expect(RoleNaming.serviceAccountName(for: resource) == "other")
    }

    @Test func evaluationRendersEverything() throws {
        let rendered = try AccessEvaluation.evaluate(Fixtures.myApp(), settings: Fixtures.settings, context: Fixtures.context).get()
        #expect(rendered.serviceAccountName == "my-app")
        #expect(rendered.oidcProviderArn == "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC")
        #expect(rendered.serviceAccountAnnotations["eks.amazonaws.com/role-arn"] == rendered.role.arn)
        #expect(rendered.owner == OwnerIdentity(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1"))
    }

    @Test func partitionForRegion() {
        #expect(RenderingContext.partition(forRegion: "us-east-1") == "aws")
        #expect(RenderingContext.partition(forRegion: "cn-north-1") == "aws-cn")
        #expect(RenderingContext.partition(forRegion: "us-gov-west-1") == "aws-us-gov")
    }
}
