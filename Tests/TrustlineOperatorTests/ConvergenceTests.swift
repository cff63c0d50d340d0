import AWSClients
import ControllerRuntime
import Foundation
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The happy path against in-memory IAM and Kubernetes: first reconcile converges everything,
/// the next one writes nothing.
@Suite struct ConvergenceTests {
    @Test func firstReconcileCreatesRolePoliciesAndServiceAccountAndIsConverged() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())

        let result = await harness.reconcile()

        #expect(result == .done)
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(role.path == "/trustline/")
        #expect(role.arn == Samples.roleArn)
        let expectedTrust = """
            {"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:aud":"sts.amazonaws.com",\
            "oidc.example.com/id/ABC:sub":"system:serviceaccount:production:my-app"}},"Effect":"Allow",\
            "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"}}],"Version":"2012-10-17"}
            """
        // Exactly docs/design.md section 2 (Statement as an array), compact with sorted keys, as sent to IAM.
        #expect(role.trustPolicy == expectedTrust)
        #expect(PolicyCanonicalizer.equivalent(
            try PolicyCanonicalizer.parse(role.trustPolicy),
            TrustPolicy.document(for: try #require(harness.resource()), context: harness.reconciler.context)))
        #expect(Set(role.inlinePolicies.keys) == ["s3-access"])
        let s3Access = try #require(role.inlinePolicies["s3-access"])
        #expect(PolicyCanonicalizer.equivalent(try PolicyCanonicalizer.parse(s3Access), Samples.s3Policy))
        #expect(role.attachedPolicies == [Samples.s3ReadOnly])
        let tags = Dictionary(uniqueKeysWithValues: role.tags.map { ($0.key, $0.value) })
        let resource = try #require(harness.resource())
        #expect(tags == [
            "team": "payments", "trustline.dev/cluster": "prod", "trustline.dev/namespace": "production",
            "trustline.dev/name": "my-app", "trustline.dev/uid": try #require(resource.metadata.uid),
        ])
        #expect(harness.iam.writeCalls.map(\.action) == ["CreateRole", "PutRolePolicy", "AttachRolePolicy"])

        let serviceAccount = try #require(harness.serviceAccount())
        #expect(serviceAccount.metadata.annotations == ["eks.amazonaws.com/role-arn": Samples.roleArn])
        #expect(serviceAccount.metadata.ownerReferences?.map(\.uid) == [resource.metadata.uid ?? "-"])
        #expect(serviceAccount.metadata.ownerReferences?.first?.kind == "WorkloadAwsAccess")

        #expect(resource.metadata.finalizers == ["trustline.dev/cleanup"])
        let status = try #require(resource.status)
        ConditionExpectation.converged.check(status)
        #expect(status.observedGeneration == resource.metadata.generation)
        #expect(status.roleArn == Samples.roleArn)
        #expect(status.roleName == Samples.roleName)
        #expect(status.serviceAccountName == "my-app")
        #expect(status.oidcProviderArn == ReconcilerHarness.providerArn)
        #expect(harness.events().map(\.reason) == ["Converged"])
        #expect(harness.events().first?.type == .normal)
        #expect(harness.events().first?.reportingController == "trustline.dev/operator")
    }

    @Test func secondReconcileMakesNoIAMWriteAndNoStatusWrite() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        let statusBefore = harness.resource()?.status
        harness.resetCalls()
        harness.clock.advance(seconds: 120)

        for _ in 0..<3 {
            #expect(await harness.reconcile() == .done)
        }

        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.kubernetes.statusWrites.isEmpty)
        #expect(harness.kubernetes.writeCalls.isEmpty, "no Kubernetes write at all: \(harness.kubernetes.writeCalls)")
        #expect(harness.resource()?.status == statusBefore)
        #expect(harness.events().count == 1)
        // The OIDC provider check is remembered within a resync period: only reads of the role.
        #expect(Set(harness.iam.actionNames) == ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "ListRoleTags"])
    }

    @Test func existingServiceAccountIsAnnotatedButNotTakenOver() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(
            name: "my-app", namespace: "production", labels: ["app": "mine"], annotations: ["owner": "team-a"])))
        try harness.apply(Samples.myApp())

        #expect(await harness.reconcile() == .done)

        let serviceAccount = try #require(harness.serviceAccount())
        #expect(serviceAccount.metadata.annotations == ["owner": "team-a", "eks.amazonaws.com/role-arn": Samples.roleArn])
        #expect(serviceAccount.metadata.ownerReferences == nil)
        #expect(serviceAccount.metadata.labels == ["app": "mine"])
        let saWrites = harness.kubernetes.writeCalls.filter { $0.kind == "ServiceAccount" }
        #expect(saWrites.map(\.verb) == ["patch"])
    }

    @Test func serviceAccountAnnotationsFollowTheSpec() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.serviceAccount = ServiceAccountSpec(name: "worker")
        resource.spec.audience = "my-audience"
        resource.spec.stsRegionalEndpoints = true
        resource.spec.tokenExpirationSeconds = 3600
        try harness.apply(resource)

        #expect(await harness.reconcile() == .done)

        let serviceAccount = try #require(harness.serviceAccount("production", "worker"))
        #expect(serviceAccount.metadata.annotations == [
            "eks.amazonaws.com/role-arn": Samples.roleArn, "eks.amazonaws.com/audience": "my-audience",
            "eks.amazonaws.com/sts-regional-endpoints": "true", "eks.amazonaws.com/token-expiration": "3600",
        ])
        let trust = try PolicyCanonicalizer.canonical(text: try #require(harness.iam.role(Samples.roleName)).trustPolicy)
        let conditions = trust["Statement"]?["Condition"]?["StringEquals"]
        #expect(conditions?["oidc.example.com/id/ABC:aud"] == "my-audience")
        #expect(conditions?["oidc.example.com/id/ABC:sub"] == "system:serviceaccount:production:worker")

        // The spec drops the extras: the ServiceAccount we created loses them.
        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.audience = WorkloadAwsAccessSpec.defaultAudience
            $0.spec.stsRegionalEndpoints = nil
            $0.spec.tokenExpirationSeconds = nil
        }
        #expect(await harness.reconcile() == .done)
        #expect(harness.serviceAccount("production", "worker")?.metadata.annotations == ["eks.amazonaws.com/role-arn": Samples.roleArn])
    }

    @Test func trustPolicyAlwaysNamesTheResourcesOwnNamespace() async throws {
        let harness = ReconcilerHarness()
        // A manifest that tries to point the role at another namespace's ServiceAccount: fields the
        // schema does not have are ignored, and the trust policy still names team-a.
        let manifest = """
            {"apiVersion":"trustline.dev/v1alpha1","kind":"WorkloadAwsAccess",
             "metadata":{"name":"api","namespace":"team-a"},
             "spec":{"namespace":"kube-system","serviceAccount":{"name":"api","namespace":"kube-system"},
                     "managedPolicyArns":["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}}
            """
        let resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(manifest.utf8))
        try harness.apply(resource)

        #expect(await harness.reconcile("team-a", "api") == .done)

        let role = try #require(harness.iam.role("prod.team-a.api"))
        let trust = try PolicyCanonicalizer.canonical(text: role.trustPolicy)
        #expect(trust["Statement"]?["Condition"]?["StringEquals"]?["oidc.example.com/id/ABC:sub"] == "system:serviceaccount:team-a:api")
        #expect(!role.trustPolicy.contains("kube-system"))
        #expect(harness.serviceAccount("kube-system", "api") == nil)
        #expect(harness.serviceAccount("team-a", "api") != nil)
    }

    @Test func serviceAccountNameCannotSmuggleInAnotherNamespace() async throws {
        let harness = ReconcilerHarness()
        var resource = Samples.myApp()
        resource.spec.serviceAccount = ServiceAccountSpec(name: "kube-system:default")
        try harness.apply(resource)

        #expect(await harness.reconcile() == .terminalError(try #require(harness.resource()?.status?.condition(.ready)?.message)))

        ConditionExpectation.blocked(at: .spec, .invalidSpec).check(harness.resource()?.status)
        #expect(harness.resource()?.status?.condition(.ready)?.message.contains("spec.serviceAccount.name") == true)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func createRaceWithAnotherOperatorConverges() async throws {
        let harness = ReconcilerHarness()
        let resource = try harness.apply(Samples.myApp())
        let uid = try #require(resource.metadata.uid)
        // Another operator instance creates the same role just before our CreateRole (which a
        // new resource sends without observing first).
        harness.iam.beforeNext("CreateRole") { iam in
            iam.seedRole(
                name: Samples.roleName, path: "/trustline/",
                trustPolicy: PolicyCanonicalizer.wireText(TrustPolicy.document(
                    context: RenderingContext(clusterName: "prod", accountId: "123456789012", oidcIssuer: ReconcilerHarness.issuer),
                    namespace: "production", serviceAccount: "my-app", audience: "sts.amazonaws.com")),
                tags: OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: uid)
                    .map { IAMTag(key: $0.key, value: $0.value) } + [IAMTag(key: "team", value: "payments")])
        }

        #expect(await harness.reconcile() == .done)

        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.iam.calls("CreateRole").count == 1)
        #expect(harness.iam.calls("GetRole").count == 1, "observed once, after EntityAlreadyExists")
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(Set(role.inlinePolicies.keys) == ["s3-access"])
        #expect(role.attachedPolicies == [Samples.s3ReadOnly])
    }

    @Test func noSuchEntityRightAfterOurCreateIsRetriedAndConverges() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        harness.iam.fail("PutRolePolicy", with: InMemoryIAM.noSuchRole(Samples.roleName))

        let first = await harness.reconcile()

        guard case .transientError = first else {
            Issue.record("expected a retry with backoff, got \(first)")
            return
        }
        // Eventual consistency is not reported as a failure.
        #expect(harness.resource()?.status == nil)
        #expect(harness.events().isEmpty)
        #expect(await harness.reconcile() == .done)
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.iam.calls("CreateRole").count == 1)
    }

    @Test func everyLogLineCarriesTheResourceKey() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        }
        _ = await harness.reconcile()

        let records = harness.logs.all
        #expect(records.count >= 4)
        for record in records {
            #expect(record.metadata["resource"] == "production/my-app", "\(record.message)")
        }
    }
}
