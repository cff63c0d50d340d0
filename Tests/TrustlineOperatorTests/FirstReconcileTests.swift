import AWSClients
import ControllerRuntime
import KubeClient
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// What a reconcile costs: a resource never reconciled before creates its role without observing
/// it first (the creation plan's calls and nothing else), safely when the guess is wrong; and the
/// reconciler reads the resource and its ServiceAccount from the watch cache, never with a GET,
/// while a cache that lags costs at most a refused (409) write and a retry.
@Suite struct FirstReconcileTests {
    /// IAM actions other than the OIDC provider check (which has its own tests).
    static func roleActions(_ iam: InMemoryIAM) -> [String] {
        // The managed policy reads before any write are ManagedPolicyAdmissionTests' subject.
        iam.actionNames.filter {
            !$0.hasSuffix("OpenIDConnectProviders") && !$0.hasSuffix("OpenIDConnectProvider") && !InMemoryIAM.managedPolicyReads.contains($0)
        }
    }

    static func verbs(_ calls: [InMemoryKubernetes.Call]) -> [String] {
        calls.map { "\($0.verb) \($0.kind)\($0.subresource.map { "/\($0)" } ?? "")" }
    }

    @Test func newResourceMakesOnlyTheCreationCallsAndNoKubernetesRead() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())

        #expect(await harness.reconcile() == .done)

        #expect(Self.roleActions(harness.iam) == ["CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        #expect(Self.verbs(harness.kubernetes.calls) == [
            "patch WorkloadAwsAccess", "create ServiceAccount", "update WorkloadAwsAccess/status", "create Event",
        ])
        ConditionExpectation.converged.check(harness.resource()?.status)
        let role = try #require(harness.iam.role(Samples.roleName))
        let tags = Dictionary(uniqueKeysWithValues: role.tags.map { ($0.key, $0.value) })
        #expect(tags[OwnershipTags.uid] == harness.resource()?.metadata.uid, "CreateRole carried the ownership tags")
        #expect(role.path == "/trustline/")
    }

    @Test func newResourceWithEveryRoleSettingStillCostsOnlyTheCreationCalls() async throws {
        let harness = ReconcilerHarness(settings: OperatorSettings(
            clusterName: "prod", permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary"))
        var resource = Samples.myApp()
        resource.spec.role = RoleSpec(description: "payments api", maxSessionDurationSeconds: 7200, tags: ["team": "payments"])
        try harness.apply(resource)

        #expect(await harness.reconcile() == .done)

        #expect(Self.roleActions(harness.iam) == ["CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(role.description == "payments api")
        #expect(role.maxSessionDuration == 7200)
        #expect(role.boundary == "arn:aws:iam::123456789012:policy/boundary")
        // And what it made needs nothing more: the next reconcile observes and writes nothing.
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.kubernetes.writeCalls.isEmpty)
    }

    /// When may the reconciler skip observing? Only on the reconcile that writes the finalizer
    /// of a resource whose status names no role.
    struct History: Sendable, CustomStringConvertible {
        var description: String
        var finalizers: [String]?
        var statusRoleName: String?
        var createsFirst: Bool
    }

    static let histories: [History] = [
        History(description: "never reconciled", finalizers: nil, statusRoleName: nil, createsFirst: true),
        History(description: "another controller's finalizer only", finalizers: ["example.com/keep"], statusRoleName: nil, createsFirst: true),
        History(description: "finalizer written, then the operator died", finalizers: [CleanupFinalizer.name], statusRoleName: nil, createsFirst: false),
        History(description: "status names a role, finalizer stripped by hand", finalizers: nil, statusRoleName: Samples.roleName, createsFirst: false),
    ]

    @Test(arguments: histories)
    func roleIsObservedFirstUnlessTheResourceWasNeverReconciled(_ history: History) async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp(finalizers: history.finalizers))
        if let roleName = history.statusRoleName {
            try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
                $0.status = WorkloadAwsAccessStatus(roleName: roleName)
            }
        }

        #expect(await harness.reconcile() == .done)

        let first = Self.roleActions(harness.iam).first
        #expect(first == (history.createsFirst ? "CreateRole" : "GetRole"))
        #expect(harness.iam.writeCalls.map(\.action) == ["CreateRole", "PutRolePolicy", "AttachRolePolicy"])
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.resource()?.metadata.finalizers?.last == CleanupFinalizer.name)
    }

    @Test func newResourceWhoseRoleIsAlreadyOursConvergesWithoutDuplicates() async throws {
        // The operator created the role and died before it wrote status, and someone stripped the
        // finalizer meanwhile: the guess is wrong, CreateRole is refused, and what is there is ours.
        let harness = ReconcilerHarness()
        let resource = try harness.apply(Samples.myApp())
        let uid = try #require(resource.metadata.uid)
        harness.iam.seedRole(
            name: Samples.roleName, path: "/trustline/",
            trustPolicy: PolicyCanonicalizer.wireText(TrustPolicy.document(for: resource, context: harness.reconciler.context)),
            tags: OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: uid)
                .map { IAMTag(key: $0.key, value: $0.value) } + [IAMTag(key: "team", value: "payments")],
            inlinePolicies: ["s3-access": PolicyCanonicalizer.wireText(Samples.s3Policy)])

        #expect(await harness.reconcile() == .done)

        #expect(Self.roleActions(harness.iam) == [
            "CreateRole", "GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "ListRoleTags", "AttachRolePolicy",
        ])
        ConditionExpectation.converged.check(harness.resource()?.status)
        #expect(harness.iam.role(Samples.roleName)?.attachedPolicies == [Samples.s3ReadOnly])
    }

    @Test func convergedResourceIsReadFromTheCacheWithNoKubernetesRequestAtAll() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        harness.resetCalls()
        let reads = (harness.cache.resourceReads, harness.cache.serviceAccountReads)

        #expect(await harness.reconcile() == .done)

        #expect(harness.kubernetes.calls.isEmpty, "\(harness.kubernetes.calls)")
        #expect(harness.cache.resourceReads == reads.0 + 1)
        #expect(harness.cache.serviceAccountReads == reads.1 + 1)
    }

    @Test func withoutACacheTheResourceAndServiceAccountAreRead() async throws {
        let harness = ReconcilerHarness(readsCache: false)
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        harness.resetCalls()

        #expect(await harness.reconcile() == .done)

        #expect(Self.verbs(harness.kubernetes.calls) == ["get WorkloadAwsAccess", "get ServiceAccount"])
        #expect(harness.cache.resourceReads == 0)
    }

    @Test func cacheWithoutTheResourceMeansItIsGone() async throws {
        let harness = ReconcilerHarness()

        #expect(await harness.reconcile() == .done)

        #expect(harness.kubernetes.calls.isEmpty)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func staleCacheWithoutTheFinalizerCostsAConflictAndNoIAMCall() async throws {
        let harness = ReconcilerHarness()
        let original = try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        harness.resetCalls()
        // The watch has not delivered the finalizer and status writes yet.
        harness.cache.serveStale(original)

        let result = await harness.reconcile()

        guard case .transientError(let message) = result else {
            Issue.record("expected a retry with backoff, got \(result)")
            return
        }
        #expect(message.contains(CleanupFinalizer.name))
        #expect(harness.iam.calls.isEmpty, "no IAM call on a refused finalizer write: \(harness.iam.calls)")
        #expect(Self.verbs(harness.kubernetes.calls) == ["patch WorkloadAwsAccess"])
        #expect(harness.resource()?.metadata.finalizers == [CleanupFinalizer.name])
        ConditionExpectation.converged.check(harness.resource()?.status)

        harness.cache.catchUp()
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.kubernetes.writeCalls.isEmpty)
    }

    @Test func staleCacheBehindOurStatusWriteCannotOverwriteIt() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        // The first reconcile is cut short after the finalizer write (the OIDC provider check
        // fails), so the resource carries the finalizer but no Ready status yet.
        harness.iam.fail("ListOpenIDConnectProviders", with: InMemoryIAM.error("ServiceFailure", "internal", status: 500))
        _ = await harness.reconcile()
        let withFinalizer = try #require(harness.resource())
        #expect(await harness.reconcile() == .done)
        let converged = try #require(harness.resource()?.status)
        ConditionExpectation.converged.check(converged)
        harness.resetCalls()
        // The cache still holds the object as it was before the second reconcile's status write.
        harness.cache.serveStale(withFinalizer)

        let result = await harness.reconcile()

        guard case .transientError(let message) = result else {
            Issue.record("expected a retry with backoff, got \(result)")
            return
        }
        #expect(message.contains("status"))
        #expect(harness.kubernetes.statusWrites.count == 1, "one attempt, refused with 409")
        #expect(harness.resource()?.status == converged, "the newer status stays")
        #expect(harness.iam.writeCalls.isEmpty)
    }

    @Test func serviceAccountMissingFromTheSyncedCacheIsCreatedWithoutAsking() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())

        #expect(await harness.reconcile() == .done)

        #expect(!harness.kubernetes.calls.contains { $0.kind == "ServiceAccount" && $0.verb == "get" })
        #expect(harness.serviceAccount()?.metadata.annotations == ["eks.amazonaws.com/role-arn": Samples.roleArn])
    }

    @Test func serviceAccountTheCacheHasNotSeenYetIsAnnotatedAfterAlreadyExists() async throws {
        let harness = ReconcilerHarness()
        try harness.kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "my-app", namespace: "production", annotations: ["owner": "team-a"])))
        try harness.apply(Samples.myApp())
        // The cache is synced but behind: it does not have the ServiceAccount yet.
        let lagging = LaggingServiceAccountCache(harness.cache)
        let reconciler = harness.reconciler.reading(from: lagging)

        #expect(await reconciler.reconcile(ObjectKey(namespace: "production", name: "my-app")) == .done)

        let accountCalls = Self.verbs(harness.kubernetes.calls.filter { $0.kind == "ServiceAccount" })
        #expect(accountCalls == ["create ServiceAccount", "get ServiceAccount", "patch ServiceAccount"])
        let account = try #require(harness.serviceAccount())
        #expect(account.metadata.annotations == ["owner": "team-a", "eks.amazonaws.com/role-arn": Samples.roleArn])
        #expect(account.metadata.ownerReferences == nil, "someone else's ServiceAccount is not taken over")
        ConditionExpectation.converged.check(harness.resource()?.status)
    }

    @Test func serviceAccountCacheNotSyncedYetIsReadFromTheAPIServer() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        harness.cache.serviceAccountsSynced = false

        #expect(await harness.reconcile() == .done)

        let accountCalls = Self.verbs(harness.kubernetes.calls.filter { $0.kind == "ServiceAccount" })
        #expect(accountCalls == ["get ServiceAccount", "create ServiceAccount"])
    }
}

/// A cache whose ServiceAccount side is synced but has not seen any ServiceAccount yet.
private struct LaggingServiceAccountCache: ReconcileCache {
    let wrapped: InMemoryReconcileCache

    init(_ wrapped: InMemoryReconcileCache) {
        self.wrapped = wrapped
    }

    func resource(_ key: ObjectKey) -> WorkloadAwsAccess? { wrapped.resource(key) }
    func serviceAccount(namespace: String, name: String) -> CacheLookup<ServiceAccount> { .absent }
    func claimants(ofServiceAccount name: String, namespace: String) -> [WorkloadAwsAccess] {
        wrapped.claimants(ofServiceAccount: name, namespace: namespace)
    }
}
