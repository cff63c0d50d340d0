import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// How `WatchSources` turns reflector events into work-queue keys, fed events directly: status
/// echoes dropped, ServiceAccount events mapped through the claims index and the owners, the
/// operator's own ServiceAccount creations ignored, and a resource whose claim moves waking the
/// other resources naming the ServiceAccounts it left or joined.
@Suite struct WatchSourcesEventTests {
    static func watches(namespaces: [String] = []) -> WatchSources {
        WatchSources(
            kubernetes: InMemoryKubernetes(), watchNamespaces: namespaces,
            logger: Logger(label: "event-test") { _ in SwiftLogNoOpLogHandler() }) {}
    }

    /// A resource `name` in `namespace` naming ServiceAccount `account` (nil: its own name).
    static func resource(_ name: String, account: String? = nil, namespace: String = "team", generation: Int64 = 1) -> WorkloadAwsAccess {
        WorkloadAwsAccess(
            metadata: ObjectMeta(name: name, namespace: namespace, uid: "uid-\(name)", resourceVersion: "1", generation: generation),
            spec: WorkloadAwsAccessSpec(serviceAccount: ServiceAccountSpec(name: account)))
    }

    static func account(_ name: String, namespace: String = "team", annotations: [String: String]? = nil, owners: [String] = []) -> ServiceAccount {
        ServiceAccount(metadata: ObjectMeta(
            name: name, namespace: namespace, uid: "sa-\(name)", resourceVersion: "1", annotations: annotations,
            ownerReferences: owners.map {
                OwnerReference(apiVersion: WorkloadAwsAccess.descriptor.apiVersion, kind: WorkloadAwsAccess.descriptor.kind, name: $0, uid: "uid-\($0)", controller: true)
            }))
    }

    static func key(_ name: String, namespace: String = "team") -> ObjectKey { ObjectKey(namespace: namespace, name: name) }

    @Test func statusWritesAndResourceVersionBumpsDoNotEnqueue() {
        let watches = Self.watches()
        var app = Self.resource("app")
        #expect(watches.keys(for: .restarted([app]), reflectorIndex: 0) == [Self.key("app")])

        app.metadata.resourceVersion = "2"
        app.status = WorkloadAwsAccessStatus(observedGeneration: 1)
        #expect(watches.keys(for: .applied(app), reflectorIndex: 0) == [], "a status-only change is our own echo")

        app.metadata.generation = 2
        #expect(watches.keys(for: .applied(app), reflectorIndex: 0) == [Self.key("app")])
        app.metadata.labels = ["x": "y"]
        #expect(watches.keys(for: .applied(app), reflectorIndex: 0) == [Self.key("app")])
        app.metadata.deletionTimestamp = "2026-12-01T00:00:00Z"
        #expect(watches.keys(for: .applied(app), reflectorIndex: 0) == [Self.key("app")])
        #expect(watches.keys(for: .deleted(app), reflectorIndex: 0) == [Self.key("app")])
    }

    @Test func aClaimThatMovesWakesTheResourcesItLeftAndJoined() {
        let watches = Self.watches()
        // first and second name ServiceAccount "shared"; third names "other".
        _ = watches.keys(for: .restarted([
            Self.resource("first", account: "shared"), Self.resource("second", account: "shared"), Self.resource("third", account: "other"),
        ]), reflectorIndex: 0)

        let joining = Self.resource("late", account: "shared")
        #expect(watches.keys(for: .applied(joining), reflectorIndex: 0) == [Self.key("late"), Self.key("first"), Self.key("second")])

        // `second` moves from "shared" to "other": both sides hear of it.
        let moved = Self.resource("second", account: "other", generation: 2)
        #expect(watches.keys(for: .applied(moved), reflectorIndex: 0) == [Self.key("second"), Self.key("third"), Self.key("first"), Self.key("late")])

        // A change that keeps the claim where it was wakes nobody else.
        var relabelled = Self.resource("first", account: "shared")
        relabelled.metadata.labels = ["new": "label"]
        #expect(watches.keys(for: .applied(relabelled), reflectorIndex: 0) == [Self.key("first")])

        // The winner goes away: the next claimant is reconciled at once.
        #expect(watches.keys(for: .deleted(relabelled), reflectorIndex: 0) == [Self.key("first"), Self.key("late")])

        // A resource that no longer decodes no longer claims: the others hear of it, it is not enqueued.
        let broken = UndecodableObject(kind: "WorkloadAwsAccess", metadata: ObjectMeta(name: "third", namespace: "team"), eventType: .modified, problem: "bad")
        #expect(watches.keys(for: .skipped(broken), reflectorIndex: 0) == [Self.key("second")])
    }

    @Test func aServiceAccountEventReachesItsOwnersAndTheResourcesNamingIt() {
        let watches = Self.watches()
        _ = watches.keys(for: .restarted([
            Self.resource("web"), Self.resource("worker", account: "web"), Self.resource("db"),
            Self.resource("elsewhere", account: "web", namespace: "other-team"),
        ]), reflectorIndex: 0)
        let web = Self.account("web", annotations: ["a": "1"], owners: ["owner"])
        _ = watches.keys(forAccountEvent: .restarted([web]), reflectorIndex: 0)

        var changed = web
        changed.metadata.annotations = ["a": "2"]
        #expect(watches.keys(forAccountEvent: .applied(changed), reflectorIndex: 0) == [Self.key("owner"), Self.key("web"), Self.key("worker")])

        var unrelated = changed
        unrelated.metadata.resourceVersion = "9"
        unrelated.metadata.labels = ["not": "ours"]
        #expect(watches.keys(forAccountEvent: .applied(unrelated), reflectorIndex: 0) == [], "labels and secrets are not converged")

        #expect(watches.keys(forAccountEvent: .deleted(changed), reflectorIndex: 0) == [Self.key("owner"), Self.key("web"), Self.key("worker")])
    }

    @Test func theFirstSightOfAServiceAccountTheOperatorCreatedIsItsOwnEcho() {
        let watches = Self.watches()
        _ = watches.keys(for: .restarted([Self.resource("app")]), reflectorIndex: 0)
        _ = watches.keys(forAccountEvent: .restarted([ServiceAccount]()), reflectorIndex: 0)

        let created = Self.account("app", annotations: [ServiceAccountAnnotations.roleArn: "arn:aws:iam::1:role/x"], owners: ["app"])
        #expect(watches.keys(forAccountEvent: .applied(created), reflectorIndex: 0) == [])

        let someoneElses = Self.account("app-2", annotations: [ServiceAccountAnnotations.roleArn: "arn:aws:iam::1:role/y"])
        _ = watches.keys(for: .restarted([Self.resource("app"), Self.resource("app-2")]), reflectorIndex: 0)
        #expect(watches.keys(forAccountEvent: .applied(someoneElses), reflectorIndex: 0) == [Self.key("app-2")])
    }

    @Test func eachNamespaceReflectorHasItsOwnIndex() {
        let watches = Self.watches(namespaces: ["team", "other-team"])
        _ = watches.keys(for: .restarted([Self.resource("app")]), reflectorIndex: 0)
        _ = watches.keys(for: .restarted([Self.resource("app", namespace: "other-team")]), reflectorIndex: 1)
        // A relist of one namespace leaves the other's claims in place.
        _ = watches.keys(for: .restarted([Self.resource("app")]), reflectorIndex: 0)

        let account = Self.account("app", namespace: "other-team", annotations: ["a": "1"])
        _ = watches.keys(forAccountEvent: .restarted([ServiceAccount]()), reflectorIndex: 1)
        #expect(watches.keys(forAccountEvent: .applied(account), reflectorIndex: 1) == [Self.key("app", namespace: "other-team")])
    }
}

/// The order claimants come in: oldest first, by creationTimestamp, then by name.
@Suite struct ServiceAccountClaimsOrderTests {
    static func created(_ name: String, _ timestamp: String?) -> WorkloadAwsAccess {
        var resource = WorkloadAwsAccess(metadata: ObjectMeta(name: name, namespace: "team"))
        resource.metadata.creationTimestamp = timestamp
        return resource
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var title: String
        var input: [(String, String?)]
        var expected: [String]
        var testDescription: String { title }
    }

    @Test(arguments: [
        Row(title: "by time", input: [("b", "2026-01-02T00:00:00Z"), ("a", "2026-01-03T00:00:00Z")], expected: ["b", "a"]),
        Row(title: "same second: by name", input: [("zed", "2026-01-02T00:00:00Z"), ("amy", "2026-01-02T00:00:00Z")], expected: ["amy", "zed"]),
        Row(title: "offsets compare as instants", input: [("utc", "2026-01-02T00:30:00Z"), ("cet", "2026-01-02T01:00:00+01:00")], expected: ["cet", "utc"]),
        Row(title: "no timestamp counts as newest", input: [("none", nil), ("dated", "2030-01-01T00:00:00Z"), ("bad", "yesterday")], expected: ["dated", "bad", "none"]),
    ])
    func ordersOldestFirst(row: Row) {
        let ordered = ServiceAccountClaims.oldestFirst(row.input.map { Self.created($0.0, $0.1) })
        #expect(ordered.map(\.name) == row.expected)
    }
}
