import ControllerRuntime
import Foundation
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The watch caches keep what the operator reads and drop the rest: a ServiceAccount's secrets
/// and image pull secrets, and `kubectl apply`'s copy of every object.
@Suite struct CacheTrimmingTests {
    static let lastApplied = CacheTrimming.lastAppliedAnnotation
    static let roleArn = ServiceAccountAnnotations.roleArn

    struct Row: Sendable, CustomTestStringConvertible {
        var annotations: [String: String]?
        var kept: [String: String]?
        var testDescription: String { "\(annotations.map { $0.keys.sorted().description } ?? "nil")" }
    }

    @Test(arguments: [
        Row(annotations: nil, kept: nil),
        Row(annotations: [:], kept: [:]),
        Row(annotations: [CacheTrimmingTests.roleArn: "arn:x"], kept: [CacheTrimmingTests.roleArn: "arn:x"]),
        Row(annotations: [CacheTrimmingTests.lastApplied: "{\"kind\":\"ServiceAccount\"}"], kept: nil),
        Row(
            annotations: [CacheTrimmingTests.lastApplied: "{}", CacheTrimmingTests.roleArn: "arn:x", "team": "a"],
            kept: [CacheTrimmingTests.roleArn: "arn:x", "team": "a"]),
    ])
    func metadataLosesOnlyTheLastAppliedCopy(row: Row) {
        let metadata = ObjectMeta(
            name: "app", namespace: "ns", uid: "u1", resourceVersion: "7", labels: ["l": "v"], annotations: row.annotations,
            finalizers: ["f"], ownerReferences: [OwnerReference(apiVersion: "trustline.dev/v1alpha1", kind: "WorkloadAwsAccess", name: "app", uid: "u0")])
        var expected = metadata
        expected.annotations = row.kept
        #expect(CacheTrimming().metadata(metadata) == expected)
    }

    @Test func aServiceAccountKeepsItsMetadataOnly() {
        var metadata = ObjectMeta(name: "app", namespace: "ns", uid: "u1", annotations: [Self.lastApplied: "{}", Self.roleArn: "arn:x"])
        metadata.creationTimestamp = "2026-01-01T00:00:00Z"
        let account = ServiceAccount(
            metadata: metadata, secrets: [ObjectReference(name: "app-token")], imagePullSecrets: [LocalObjectReference(name: "registry")],
            automountServiceAccountToken: false)
        let kept = CacheTrimming().serviceAccount(account)
        #expect(kept.secrets == nil && kept.imagePullSecrets == nil && kept.automountServiceAccountToken == nil)
        #expect(kept.metadata.annotations == [Self.roleArn: "arn:x"])
        #expect(kept.metadata.creationTimestamp == "2026-01-01T00:00:00Z")
        #expect(kept.metadata.uid == "u1")
        #expect(kept.apiVersion == "v1" && kept.kind == "ServiceAccount")
    }

    /// Two resources decoded apart hold equal values in separate buffers; once trimmed, the
    /// values they repeat are one buffer, and their own (the uid) stay their own.
    @Test func repeatedValuesShareOneBuffer() throws {
        let trimming = CacheTrimming()
        let first = trimming.resource(try Self.decoded(name: "a", uid: "8d1c4a52-0f7e-4a8e-9a57-1b2c3d4e5f60"))
        let second = trimming.resource(try Self.decoded(name: "b", uid: "8d1c4a52-0f7e-4a8e-9a57-1b2c3d4e5f61"))
        #expect(first.spec == second.spec && first.status == second.status)
        #expect(Self.buffer(first.kind) == Self.buffer(second.kind))
        #expect(Self.buffer(first.spec.audience) == Self.buffer(second.spec.audience))
        #expect(Self.buffer(first.status?.conditions.first?.message) == Self.buffer(second.status?.conditions.first?.message))
        #expect(Self.buffer(first.metadata.ownerReferences?.first?.apiVersion) == Self.buffer(second.metadata.ownerReferences?.first?.apiVersion))
        #expect(Self.bits(first.metadata.labels) == Self.bits(second.metadata.labels), "equal label maps are one map")
        #expect(Self.bits(first.spec.managedPolicyArns) == Self.bits(second.spec.managedPolicyArns))
        #expect(Self.buffer(first.metadata.uid) != Self.buffer(second.metadata.uid))
    }

    /// A resource as the API server sends it, decoded from JSON (so no literal is shared).
    static func decoded(name: String, uid: String) throws -> WorkloadAwsAccess {
        let json = """
            {"apiVersion":"trustline.dev/v1alpha1","kind":"WorkloadAwsAccess",
             "metadata":{"name":"\(name)","namespace":"production","uid":"\(uid)","labels":{"app.kubernetes.io/part-of":"payments-platform"},
               "ownerReferences":[{"apiVersion":"platform.example.com/v1","kind":"PaymentsTeam","name":"t","uid":"u"}]},
             "spec":{"audience":"sts.amazonaws.com","managedPolicyArns":["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]},
             "status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z",
               "reason":"Converged","message":"the IAM role and the ServiceAccount match the spec"}]}}
            """
        return try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(json.utf8))
    }

    /// Where a string's bytes are (nil for the short strings kept inline).
    static func buffer(_ string: String?) -> UInt? {
        guard var string, string.utf8.count > 15 else { return nil }
        return string.withUTF8 { UInt(bitPattern: $0.baseAddress) }
    }

    /// A map's or list's one word: equal when they share storage.
    static func bits<T>(_ value: T?) -> Int? {
        value.map { unsafeBitCast($0, to: Int.self) }
    }

    @Test func aResourceKeepsSpecAndStatus() {
        var resource = Samples.myApp()
        resource.metadata.annotations = [Self.lastApplied: "{\"spec\":{}}", "note": "x"]
        resource.status = WorkloadAwsAccessStatus(roleArn: Samples.roleArn)
        let kept = CacheTrimming().resource(resource)
        #expect(kept.spec == resource.spec)
        #expect(kept.status == resource.status)
        #expect(kept.metadata.annotations == ["note": "x"])
        let plain = Samples.myApp()
        #expect(CacheTrimming().resource(plain) == plain)
    }
}

/// The same trimming seen through the operator's caches, filled by their reflectors.
@Suite struct TrimmedWatchCacheTests {
    @Test func theCachesHoldTrimmedObjects() async throws {
        let kubernetes = InMemoryKubernetes()
        var resource = Samples.myApp()
        resource.metadata.annotations = [CacheTrimming.lastAppliedAnnotation: "{\"spec\":{}}"]
        try kubernetes.seed(resource)
        try kubernetes.seed(ServiceAccount(
            metadata: ObjectMeta(name: "existing", namespace: "production", annotations: [CacheTrimming.lastAppliedAnnotation: "{}", "a": "b"]),
            secrets: [ObjectReference(name: "existing-token")], imagePullSecrets: [LocalObjectReference(name: "registry")]))
        let watches = WatchSources(kubernetes: QuietWatches(kubernetes), watchNamespaces: []) {}
        let key = ObjectKey(namespace: "production", name: "my-app")

        try await WatchSourcesCacheTests.pump(watches) {
            if case .unsynced = watches.serviceAccount(namespace: "production", name: "existing") { return false }
            return watches.resource(key) != nil
        }

        #expect(watches.resource(key)?.metadata.annotations == nil)
        #expect(watches.resource(key)?.spec == Samples.myApp().spec)
        guard case .present(let account) = watches.serviceAccount(namespace: "production", name: "existing") else {
            Issue.record("the listed ServiceAccount should be in the cache")
            return
        }
        #expect(account.metadata.annotations == ["a": "b"])
        #expect(account.secrets == nil && account.imagePullSecrets == nil)
    }
}

/// The table behind the sharing: equal values come back as the first one seen, and it never
/// holds more than its capacity.
@Suite struct SharedValueTableTests {
    @Test func equalStringsComeBackAsTheFirstOne() {
        let table = SharedValueTable()
        let first = table.shared(String(repeating: "arn:aws:iam::aws:policy/", count: 2))
        let second = table.shared(String(repeating: "arn:aws:iam::aws:policy/", count: 2))
        #expect(first == second)
        #expect(CacheTrimmingTests.buffer(first) == CacheTrimmingTests.buffer(second))
        #expect(table.shared("short") == "short")
        #expect(table.count == 1, "a string stored inline is not kept")
    }

    @Test func mapsAndListsAreSharedWhole() {
        let table = SharedValueTable()
        let labels = { ["app.kubernetes.io/part-of": String(repeating: "p", count: 20)] }
        let first = table.shared(labels())
        let second = table.shared(labels())
        #expect(CacheTrimmingTests.bits(first) == CacheTrimmingTests.bits(second))
        let list = { [String(repeating: "q", count: 20)] }
        #expect(CacheTrimmingTests.bits(table.shared(list())) == CacheTrimmingTests.bits(table.shared(list())))
        #expect(table.shared([String: String]()) == [:])
    }

    @Test(arguments: [1, 3, 10])
    func neverHoldsMoreThanItsCapacity(capacity: Int) {
        let table = SharedValueTable(capacity: capacity)
        for index in 0..<(capacity * 3 + 1) {
            let value = "a value that is not inline \(index)"
            #expect(table.shared(value) == value)
            #expect(table.count <= capacity)
        }
    }
}
