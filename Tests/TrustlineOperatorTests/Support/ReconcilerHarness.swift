import ControllerRuntime
import Foundation
import KubeModels
import Logging
import Synchronization
import TrustlineCore
@testable import TrustlineOperator

/// A calendar clock tests move by hand.
final class TestWallClock: WallClock {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Collects log records so tests can check structured metadata.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])
    var all: [Record] { records.withLock { $0 } }
    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger writing here, at debug level and above.
    func logger() -> Logger {
        Logger(label: "trustline.operator.test") { _ in CapturingLogHandler(sink: self) }
    }
}

/// A swift-log handler that appends to `CapturedLogs`.
struct CapturingLogHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        sink.append(.init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

/// The reconciler wired to in-memory IAM and Kubernetes, with the Kubernetes-backed event
/// recorder, a fixed clock and captured logs: what every reconciler test starts from. Like the
/// operator, it reads the resource and ServiceAccounts from a watch cache (in sync unless a test
/// makes it lag or not synced yet).
struct ReconcilerHarness {
    static let issuer = "https://oidc.example.com/id/ABC"
    static let issuerHostAndPath = "oidc.example.com/id/ABC"
    static let providerArn = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"

    let iam = InMemoryIAM()
    let kubernetes = InMemoryKubernetes()
    let clock = TestWallClock()
    let logs = CapturedLogs()
    let settings: OperatorSettings
    let reconciler: WorkloadAwsAccessReconciler
    let cache: InMemoryReconcileCache

    init(settings: OperatorSettings = OperatorSettings(clusterName: "prod"), oidcProviderExists: Bool = true) {
        self.settings = settings
        if oidcProviderExists { iam.seedOIDCProvider(issuerHostAndPath: Self.issuerHostAndPath) }
        let logger = logs.logger()
        let recorder = KubernetesEventRecorder(kubernetes: kubernetes, clock: clock, reportingInstance: "trustline-test", logger: logger)
        cache = InMemoryReconcileCache(kubernetes: kubernetes)
        reconciler = Self.reconciler(
            settings: settings, iam: iam, kubernetes: kubernetes, cache: cache, clock: clock, events: recorder, logger: logger)
    }

    /// A reconciler over the harness's fakes reading `cache`, as the harness builds its own.
    static func reconciler(
        settings: OperatorSettings, iam: InMemoryIAM, kubernetes: InMemoryKubernetes, cache: any ReconcileCache,
        clock: TestWallClock, events: any EventRecorder, logger: Logger
    ) -> WorkloadAwsAccessReconciler {
        WorkloadAwsAccessReconciler(
            settings: settings,
            environment: OperatorEnvironment(accountId: iam.accountId, oidcIssuer: Self.issuer, oidcThumbprints: [String(repeating: "b", count: 40)]),
            iam: iam, kubernetes: kubernetes, cache: cache, clock: clock, events: events, logger: logger, blockedRetryInterval: .seconds(30))
    }

    /// The harness's reconciler reading `cache` instead of the harness's own.
    func reconciler(reading cache: any ReconcileCache) -> WorkloadAwsAccessReconciler {
        Self.reconciler(
            settings: settings, iam: iam, kubernetes: kubernetes, cache: cache, clock: clock,
            events: reconciler.events, logger: reconciler.logger)
    }

    /// Stores the resource as `kubectl apply` would; returns it with uid and generation.
    @discardableResult
    func apply(_ resource: WorkloadAwsAccess) throws -> WorkloadAwsAccess {
        try kubernetes.seed(resource)
    }

    func reconcile(_ namespace: String = "production", _ name: String = "my-app") async -> ReconcileResult {
        await reconciler.reconcile(ObjectKey(namespace: namespace, name: name))
    }

    func resource(_ namespace: String = "production", _ name: String = "my-app") -> WorkloadAwsAccess? {
        kubernetes.stored(WorkloadAwsAccess.self, namespace: namespace, name: name)
    }

    func serviceAccount(_ namespace: String = "production", _ name: String = "my-app") -> ServiceAccount? {
        kubernetes.stored(ServiceAccount.self, namespace: namespace, name: name)
    }

    func events(_ namespace: String = "production", _ name: String = "my-app") -> [Event] {
        kubernetes.events(regarding: name, namespace: namespace)
    }

    /// Marks the resource deleted as `kubectl delete` does (deletionTimestamp while finalizers remain).
    func delete(_ namespace: String = "production", _ name: String = "my-app") async throws {
        _ = try await kubernetes.delete(WorkloadAwsAccess.self, namespace: namespace, name: name)
    }

    /// Forgets recorded calls, so a test counts only what follows.
    func resetCalls() {
        iam.resetCalls()
        kubernetes.resetCalls()
    }
}

/// Resources the tests reconcile.
enum Samples {
    static let s3Policy: JSONValue = [
        "Version": "2012-10-17",
        "Statement": [
            [
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
            ]
        ],
    ]

    static let s3ReadOnly = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

    /// The seed's example: one inline policy, one managed policy, team tag.
    static func myApp(
        namespace: String = "production", name: String = "my-app", spec: WorkloadAwsAccessSpec? = nil, finalizers: [String]? = nil
    ) -> WorkloadAwsAccess {
        WorkloadAwsAccess(
            metadata: ObjectMeta(name: name, namespace: namespace, finalizers: finalizers),
            spec: spec ?? WorkloadAwsAccessSpec(
                role: RoleSpec(tags: ["team": "payments"]),
                inlinePolicies: [InlinePolicy(name: "s3-access", document: s3Policy)],
                managedPolicyArns: [s3ReadOnly]))
    }

    /// The role name `prod.production.my-app` the seed's example derives.
    static let roleName = "prod.production.my-app"
    static let roleArn = "arn:aws:iam::123456789012:role/trustline/prod.production.my-app"
}
