import KubeModels
import Testing

@testable import ControllerRuntime

/// Which metadata changes each predicate lets through; a status-only change (nothing but the
/// resourceVersion moving) passes none of them.
@Suite struct ChangePredicateTests {
    static let base = ObjectMeta(
        name: "app", namespace: "team", uid: "u1", resourceVersion: "10", generation: 3,
        labels: ["tier": "web"], annotations: ["note": "a"],
        ownerReferences: [OwnerReference(apiVersion: "v1", kind: "Owner", name: "o", uid: "o1", controller: true)])

    struct Row: Sendable, CustomTestStringConvertible {
        var change: String
        var edit: @Sendable (inout ObjectMeta) -> Void
        /// The names of the predicates that must pass; every other one must not.
        var passing: Set<String>
        var testDescription: String { change }
    }

    static let predicates: [ChangePredicate] = [
        .generationChanged, .labelsChanged, .annotationsChanged, .deletionStarted, .recreated, .ownersChanged,
    ]

    static let rows: [Row] = [
        Row(change: "status only (resourceVersion)", edit: { $0.resourceVersion = "11" }, passing: []),
        Row(change: "finalizer added", edit: { $0.finalizers = ["x/y"] }, passing: []),
        Row(change: "spec (generation)", edit: { $0.generation = 4 }, passing: ["generation"]),
        Row(change: "label value", edit: { $0.labels?["tier"] = "api" }, passing: ["labels"]),
        Row(change: "label added", edit: { $0.labels?["new"] = "1" }, passing: ["labels"]),
        Row(change: "labels emptied to nil", edit: { $0.labels = nil }, passing: ["labels"]),
        Row(change: "annotation value", edit: { $0.annotations?["note"] = "b" }, passing: ["annotations"]),
        Row(change: "annotation removed", edit: { $0.annotations = [:] }, passing: ["annotations"]),
        Row(change: "deletion started", edit: { $0.deletionTimestamp = "2026-12-01T00:00:00Z" }, passing: ["deletion"]),
        Row(change: "recreated", edit: { $0.uid = "u2" }, passing: ["uid"]),
        Row(change: "owner added", edit: {
            $0.ownerReferences?.append(OwnerReference(apiVersion: "v1", kind: "Owner", name: "p", uid: "o2"))
        }, passing: ["owners"]),
        Row(change: "owner no longer the controller", edit: { $0.ownerReferences?[0].controller = false }, passing: ["owners"]),
        Row(change: "label and spec", edit: { $0.labels = ["tier": "db"]; $0.generation = 9 }, passing: ["generation", "labels"]),
    ]

    @Test(arguments: rows)
    func eachPredicatePassesOnlyItsOwnChange(row: Row) {
        var changed = Self.base
        row.edit(&changed)
        for predicate in Self.predicates {
            #expect(predicate.passes(from: Self.base, to: changed) == row.passing.contains(predicate.name), "\(predicate.name)")
        }
        let any = ChangePredicate.any(Self.predicates)
        #expect(any.passes(from: Self.base, to: changed) == !row.passing.isEmpty)
    }

    @Test func absentAndEmptyMapsAreTheSame() {
        let absent = ObjectMeta(name: "a")
        let empty = ObjectMeta(name: "a", labels: [:], annotations: [:])
        #expect(!ChangePredicate.labelsChanged.passes(from: absent, to: empty))
        #expect(!ChangePredicate.annotationsChanged.passes(from: absent, to: empty))
    }

    @Test func ownerOrderDoesNotMatter() {
        let one = OwnerReference(apiVersion: "v1", kind: "Owner", name: "o", uid: "o1")
        let two = OwnerReference(apiVersion: "v1", kind: "Owner", name: "p", uid: "o2")
        let forward = ObjectMeta(name: "a", ownerReferences: [one, two])
        let backward = ObjectMeta(name: "a", ownerReferences: [two, one])
        #expect(!ChangePredicate.ownersChanged.passes(from: forward, to: backward))
    }

    @Test func moreDeletionTimestampChangesDoNotPass() {
        var deleting = Self.base
        deleting.deletionTimestamp = "2026-12-01T00:00:00Z"
        var later = deleting
        later.deletionTimestamp = "2026-12-01T00:05:00Z"
        #expect(!ChangePredicate.deletionStarted.passes(from: deleting, to: later))
    }

    @Test func anyOfNothingNeverPasses() {
        var changed = Self.base
        changed.generation = 99
        changed.uid = "other"
        #expect(!ChangePredicate.any([]).passes(from: Self.base, to: changed))
        #expect(ChangePredicate.any([.generationChanged, .labelsChanged]).name == "generation|labels")
    }
}

/// The per-object memory that turns a predicate into a filter of watch events.
@Suite struct ChangeFilterTests {
    @Test func judgesEachEventAgainstTheLastOneSeenOfTheSameObject() {
        var filter = ChangeFilter(.generationChanged)
        let key = ObjectKey(namespace: "team", name: "app")
        let other = ObjectKey(namespace: "team", name: "other")
        var meta = ObjectMeta(name: "app", namespace: "team", resourceVersion: "1", generation: 1)

        #expect(filter.observe(meta, key: key) == .firstSeen)
        meta.resourceVersion = "2"
        #expect(filter.observe(meta, key: key) == .unchanged)
        #expect(filter.observe(meta, key: other) == .firstSeen, "another key has its own memory")
        meta.generation = 2
        #expect(filter.observe(meta, key: key) == .changed)
        #expect(filter.observe(meta, key: key) == .unchanged, "the change is remembered")
        #expect(filter.count == 2)

        filter.forget(key)
        #expect(filter.count == 1)
        #expect(filter.observe(meta, key: key) == .firstSeen)
    }
}
