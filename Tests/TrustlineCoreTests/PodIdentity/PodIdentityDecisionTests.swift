import KubeModels
import Testing
@testable import TrustlineCore

/// Which resource or annotation decides a pod's role (docs/pod-identity-webhook.md).
@Suite struct PodIdentityDecisionTests {
    func decide(
        account: String = "my-app", namespace: String = "production", _ accesses: [WorkloadAwsAccess], serviceAccount: ServiceAccount? = nil
    ) -> PodIdentityInjection? {
        PodIdentityDecision.decide(
            namespace: namespace, serviceAccountName: account, accesses: accesses, serviceAccount: serviceAccount,
            configuration: PodIdentityFixtures.configuration())
    }

    @Test func resourceRoleIsTheOperatorsDerivedArn() throws {
        let resource = PodIdentityFixtures.access("my-app", account: "my-app", tokenSeconds: 7200)
        let injection = try #require(decide([resource]))
        let rendered = try AccessEvaluation.evaluate(resource, settings: Fixtures.settings, context: Fixtures.context).get()
        #expect(injection.roleArn == rendered.role.arn)
        #expect(injection.roleArn == PodIdentityFixtures.myAppArn)
        #expect(injection.tokenExpirationSeconds == 7200)
        #expect(injection.regionalEndpoints)
        #expect(injection.region == PodIdentityFixtures.region)
        #expect(injection.source == .resource(name: "my-app"))
    }

    @Test func explicitRoleNameAndPathAndAudienceCarryOver() throws {
        var resource = PodIdentityFixtures.access("my-app", account: "my-app")
        resource.spec.role.name = "payments-reader"
        resource.spec.role.path = "/teams/"
        resource.spec.audience = "sts.example.internal"
        let injection = try #require(decide([resource]))
        #expect(injection.roleArn == "arn:aws:iam::123456789012:role/teams/payments-reader")
        #expect(injection.audience == "sts.example.internal")
        #expect(injection.tokenExpirationSeconds == PodIdentityInjection.defaultTokenExpirationSeconds)
    }

    @Test func oldestOfTwoClaimantsWins() throws {
        let older = PodIdentityFixtures.access("zeta", account: "shared", created: "2026-01-01T00:00:00Z")
        let younger = PodIdentityFixtures.access("alpha", account: "shared", created: "2026-03-01T00:00:00Z")
        for order in [[older, younger], [younger, older]] {
            let injection = try #require(decide(account: "shared", order))
            #expect(injection.source == .resource(name: "zeta"))
            #expect(injection.roleArn == "arn:aws:iam::123456789012:role/trustline/prod.production.zeta")
        }
    }

    @Test func deletedClaimantGivesWayToTheNext() throws {
        var older = PodIdentityFixtures.access("zeta", account: "shared", created: "2026-01-01T00:00:00Z")
        older.metadata.deletionTimestamp = "2026-04-01T00:00:00Z"
        let younger = PodIdentityFixtures.access("alpha", account: "shared", created: "2026-03-01T00:00:00Z")
        #expect(decide(account: "shared", [older, younger])?.source == .resource(name: "alpha"))
    }

    @Test func creatorOfTheServiceAccountWinsOverAnOlderClaimant() throws {
        let older = PodIdentityFixtures.access("zeta", account: "shared", created: "2026-01-01T00:00:00Z")
        let creator = PodIdentityFixtures.access("alpha", account: "shared", created: "2026-03-01T00:00:00Z")
        var account = PodIdentityFixtures.serviceAccount("shared", annotations: [:])
        account.metadata.ownerReferences = [
            OwnerReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "alpha", uid: "uid-production-alpha")
        ]
        #expect(decide(account: "shared", [older, creator], serviceAccount: account)?.source == .resource(name: "alpha"))
    }

    /// Before the annotation lands (the race the webhook closes) the resource decides.
    @Test func resourceDecidesBeforeItsAnnotationLands() throws {
        for annotations in [[:], [ServiceAccountAnnotations.roleArn: ""]] as [[String: String]] {
            let account = PodIdentityFixtures.serviceAccount("my-app", annotations: annotations)
            let injection = try #require(decide([PodIdentityFixtures.access("my-app", account: "my-app")], serviceAccount: account))
            #expect(injection.roleArn == PodIdentityFixtures.myAppArn)
        }
        #expect(decide([PodIdentityFixtures.access("my-app", account: "my-app")], serviceAccount: nil)?.roleArn == PodIdentityFixtures.myAppArn)
    }

    /// An annotation someone else set stays in force (the resource is in ServiceAccountConflict
    /// and writes nothing), so pods get what it says until it is handed over: the webhook must
    /// not take over a ServiceAccount the operator may not.
    @Test func aForeignAnnotationStaysInForce() throws {
        let account = PodIdentityFixtures.serviceAccount("my-app", annotations: [ServiceAccountAnnotations.roleArn: PodIdentityFixtures.handArn])
        let injection = try #require(decide([PodIdentityFixtures.access("my-app", account: "my-app")], serviceAccount: account))
        #expect(injection.roleArn == PodIdentityFixtures.handArn)
        #expect(injection.source == .serviceAccountAnnotation)
    }

    /// The annotation the resource wrote before a rename is still its own: the resource decides.
    @Test func theResourcesPreviousRoleInTheAnnotationIsStillItsOwn() throws {
        var resource = PodIdentityFixtures.access("my-app", account: "my-app")
        resource.status = WorkloadAwsAccessStatus(roleArn: PodIdentityFixtures.handArn, roleName: "old-name")
        let account = PodIdentityFixtures.serviceAccount("my-app", annotations: [ServiceAccountAnnotations.roleArn: PodIdentityFixtures.handArn])
        #expect(decide([resource], serviceAccount: account)?.roleArn == PodIdentityFixtures.myAppArn)
    }

    /// A role adopted in place keeps its own path; status names its ARN.
    @Test func anAdoptedRolesOwnArnFromStatus() throws {
        var resource = PodIdentityFixtures.access("my-app", account: "my-app")
        resource.spec.role.name = "legacy-app"
        resource.status = WorkloadAwsAccessStatus(roleArn: "arn:aws:iam::123456789012:role/eksctl/legacy-app", roleName: "legacy-app")
        #expect(decide([resource])?.roleArn == "arn:aws:iam::123456789012:role/eksctl/legacy-app")
    }

    /// A resource that fails validation converges nothing and writes nothing: what the
    /// ServiceAccount says stays in force, and without an annotation the pod is left alone.
    @Test func anInvalidResourceLeavesTheAnnotationInForce() {
        var resource = PodIdentityFixtures.access("my-app", account: "my-app")
        resource.spec.role.maxSessionDurationSeconds = 5
        #expect(!SpecValidator.validate(resource, settings: Fixtures.settings, context: Fixtures.context).isEmpty)
        let account = PodIdentityFixtures.serviceAccount("my-app", annotations: [ServiceAccountAnnotations.roleArn: PodIdentityFixtures.handArn])
        #expect(decide([resource], serviceAccount: account)?.roleArn == PodIdentityFixtures.handArn)
        #expect(decide([resource], serviceAccount: PodIdentityFixtures.serviceAccount("my-app", annotations: [:])) == nil)
    }

    @Test func resourceInAnotherNamespaceOrForAnotherAccountIsIgnored() {
        #expect(decide([PodIdentityFixtures.access("my-app", namespace: "staging", account: "my-app")]) == nil)
        #expect(decide([PodIdentityFixtures.access("my-app", account: "other")]) == nil)
    }

    @Test func handAnnotationReadAsTheEKSWebhookReadsIt() throws {
        let base = [ServiceAccountAnnotations.roleArn: " \(PodIdentityFixtures.handArn) "]
        let plain = try #require(decide(account: "legacy", [], serviceAccount: PodIdentityFixtures.serviceAccount("legacy", annotations: base)))
        #expect(plain.roleArn == PodIdentityFixtures.handArn)
        #expect(plain.audience == "sts.amazonaws.com")
        #expect(plain.tokenExpirationSeconds == 86400)
        #expect(!plain.regionalEndpoints)
        #expect(plain.source == .serviceAccountAnnotation)

        let table: [(String, Int)] = [("3600", 3600), ("60", 600), ("999999", 86400), ("soon", 86400)]
        for (text, seconds) in table {
            var annotations = base
            annotations[ServiceAccountAnnotations.tokenExpiration] = text
            annotations[ServiceAccountAnnotations.audience] = "custom"
            let injection = decide(account: "legacy", [], serviceAccount: PodIdentityFixtures.serviceAccount("legacy", annotations: annotations))
            #expect(injection?.tokenExpirationSeconds == seconds, "token-expiration \(text)")
            #expect(injection?.audience == "custom")
        }
    }

    @Test func serviceAccountOfAnotherNameOrNamespaceOrWithoutRoleIsIgnored() {
        let elsewhere = PodIdentityFixtures.serviceAccount("legacy", namespace: "staging", annotations: [ServiceAccountAnnotations.roleArn: PodIdentityFixtures.handArn])
        #expect(decide(account: "legacy", [], serviceAccount: elsewhere) == nil)
        let empty = PodIdentityFixtures.serviceAccount("legacy", annotations: [ServiceAccountAnnotations.roleArn: ""])
        #expect(decide(account: "legacy", [], serviceAccount: empty) == nil)
    }
}
