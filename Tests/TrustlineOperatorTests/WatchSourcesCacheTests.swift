import ControllerRuntime
import Foundation
import KubeClient
import KubeModels
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The operator's watch caches as the reconciler reads them (`ReconcileCache`): filled by the
/// reflectors, ServiceAccounts reported `unsynced` until their reflector's first list, and keys
/// outside the watched namespaces never answered from another namespace's cache.
@Suite struct WatchSourcesCacheTests {
    /// Runs the sources of `watches` under a controller that reconciles nothing, until `until`
    /// holds (or 10 s pass), then stops it.
    static func pump(_ watches: WatchSources, until: @escaping @Sendable () -> Bool) async throws {
        let controller = Controller(
            reconciler: ClosureReconciler { _ in .done },
            configuration: ControllerConfiguration(name: "cache-test", resync: nil),
            knownKeys: { [] },
            logger: Logger(label: "cache-test") { _ in SwiftLogNoOpLogHandler() })
        let run = Task { try await controller.run(sources: watches.sources) }
        defer { controller.shutDown() }
        let deadline = Date().addingTimeInterval(10)
        while !until() && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        controller.shutDown()
        _ = await run.result
    }

    /// The orphan sweep's view: nothing before every resource reflector listed (an absent uid
    /// proves nothing then), every cached resource after.
    @Test func syncedResourcesAreNilUntilEveryReflectorListed() async throws {
        let kubernetes = InMemoryKubernetes()
        try kubernetes.seed(Samples.myApp())
        try kubernetes.seed(Samples.myApp(namespace: "staging"))
        let watches = WatchSources(kubernetes: QuietWatches(kubernetes), watchNamespaces: ["production", "staging"]) {}

        #expect(watches.syncedResources == nil)

        try await Self.pump(watches) { watches.syncedResources != nil }

        let live = try #require(watches.syncedResources)
        #expect(live.keys.compactMap { live.resource($0)?.namespace }.sorted() == ["production", "staging"])
    }

    @Test func cachesAnswerOnceTheReflectorsListed() async throws {
        let kubernetes = InMemoryKubernetes()
        try kubernetes.seed(Samples.myApp())
        try kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "existing", namespace: "production", annotations: ["a": "b"])))
        let watches = WatchSources(kubernetes: QuietWatches(kubernetes), watchNamespaces: []) {}
        let key = ObjectKey(namespace: "production", name: "my-app")

        #expect(watches.resource(key) == nil)
        guard case .unsynced = watches.serviceAccount(namespace: "production", name: "existing") else {
            Issue.record("ServiceAccounts must be unsynced before the first list")
            return
        }

        try await Self.pump(watches) {
            if case .unsynced = watches.serviceAccount(namespace: "production", name: "existing") { return false }
            return watches.resource(key) != nil
        }

        #expect(watches.resource(key)?.spec == Samples.myApp().spec)
        guard case .present(let account) = watches.serviceAccount(namespace: "production", name: "existing") else {
            Issue.record("the listed ServiceAccount should be in the cache")
            return
        }
        #expect(account.metadata.annotations == ["a": "b"])
        guard case .absent = watches.serviceAccount(namespace: "production", name: "never-made") else {
            Issue.record("a ServiceAccount the synced cache does not hold is absent")
            return
        }
        #expect(kubernetes.calls.allSatisfy { $0.verb == "list" || $0.verb == "watch" }, "caches only list and watch: \(kubernetes.calls)")
    }

    @Test func namespacesOutsideTheWatchedOnesAreNeverAnswered() async throws {
        let kubernetes = InMemoryKubernetes()
        try kubernetes.seed(Samples.myApp(namespace: "team-a"))
        try kubernetes.seed(Samples.myApp(namespace: "team-b"))
        let watches = WatchSources(kubernetes: QuietWatches(kubernetes), watchNamespaces: ["team-a"]) {}

        try await Self.pump(watches) {
            if case .unsynced = watches.serviceAccount(namespace: "team-a", name: "x") { return false }
            return watches.resource(ObjectKey(namespace: "team-a", name: "my-app")) != nil
        }

        #expect(watches.resource(ObjectKey(namespace: "team-a", name: "my-app")) != nil)
        #expect(watches.resource(ObjectKey(namespace: "team-b", name: "my-app")) == nil)
        guard case .unsynced = watches.serviceAccount(namespace: "team-b", name: "my-app") else {
            Issue.record("an unwatched namespace has no ServiceAccount cache: ask the API server")
            return
        }
    }
}

extension WatchSourcesCacheTests {
    /// The one-role-per-ServiceAccount rule's question, answered from the cache: nothing before
    /// the resource reflector listed, then the resources naming the ServiceAccount (explicitly or
    /// by their own name) oldest first, with no request beyond the list and the watch.
    @Test func claimantsComeFromTheCacheOldestFirst() async throws {
        let kubernetes = InMemoryKubernetes()
        func claim(_ name: String, account: String?, namespace: String = "production", created: String) throws {
            try kubernetes.seed(WorkloadAwsAccess(
                metadata: ObjectMeta(name: name, namespace: namespace),
                spec: WorkloadAwsAccessSpec(serviceAccount: ServiceAccountSpec(name: account))))
            try kubernetes.edit(WorkloadAwsAccess.self, namespace: namespace, name: name) { $0.metadata.creationTimestamp = created }
        }
        try claim("shared", account: nil, created: "2026-11-03T00:00:00Z")
        try claim("zz-early", account: "shared", created: "2026-11-01T00:00:00Z")
        try claim("aa-same-time", account: "shared", created: "2026-11-03T00:00:00Z")
        try claim("unrelated", account: "other", created: "2026-10-01T00:00:00Z")
        try claim("elsewhere", account: "shared", namespace: "staging", created: "2026-10-01T00:00:00Z")
        let watches = WatchSources(kubernetes: QuietWatches(kubernetes), watchNamespaces: []) {}

        #expect(watches.claimants(ofServiceAccount: "shared", namespace: "production").isEmpty, "unsynced: empty")

        try await Self.pump(watches) { watches.syncedResources != nil }

        #expect(watches.claimants(ofServiceAccount: "shared", namespace: "production").map(\.name) == ["zz-early", "aa-same-time", "shared"])
        #expect(watches.claimants(ofServiceAccount: "shared", namespace: "staging").map(\.name) == ["elsewhere"])
        #expect(watches.claimants(ofServiceAccount: "nobody", namespace: "production").isEmpty)
        #expect(kubernetes.calls.allSatisfy { $0.verb == "list" || $0.verb == "watch" }, "claimants read the cache only: \(kubernetes.calls)")
    }
}

/// The in-memory API server with watches that stay open and quiet until cancelled (its own
/// watches end at once, which would make the reflectors list again in a tight loop).
struct QuietWatches: KubernetesAPI {
    let wrapped: InMemoryKubernetes

    init(_ wrapped: InMemoryKubernetes) {
        self.wrapped = wrapped
    }

    func get<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String) async throws -> Object {
        try await wrapped.get(type, namespace: namespace, name: name)
    }

    func list<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, options: ListOptions) async throws -> ObjectList<Object> {
        try await wrapped.list(type, namespace: namespace, options: options)
    }

    func create<Object: KubernetesResource>(_ object: Object, options: WriteOptions) async throws -> Object {
        try await wrapped.create(object, options: options)
    }

    func update<Object: KubernetesResource>(_ object: Object, subresource: Subresource?, options: WriteOptions) async throws -> Object {
        try await wrapped.update(object, subresource: subresource, options: options)
    }

    func patch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch: Patch, subresource: Subresource?, options: WriteOptions
    ) async throws -> Object {
        try await wrapped.patch(type, namespace: namespace, name: name, patch: patch, subresource: subresource, options: options)
    }

    func delete<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, options: DeleteOptions
    ) async throws -> DeletionResult<Object> {
        try await wrapped.delete(type, namespace: namespace, name: name, options: options)
    }

    func watchConnection<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchConnection<Object> {
        WatchConnection(lines: AsyncThrowingStream<Data, any Error> { _ in })
    }

    func requestToken(namespace: String, serviceAccountName: String, spec: TokenRequestSpec) async throws -> TokenRequest {
        try await wrapped.requestToken(namespace: namespace, serviceAccountName: serviceAccountName, spec: spec)
    }
}
