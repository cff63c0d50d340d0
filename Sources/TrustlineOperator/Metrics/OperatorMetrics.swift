import ControllerRuntime
import Prometheus

/// The operator's Prometheus metrics (issue 4): reconciles by result, reconcile duration, AWS
/// requests by service/action/code, IAM writes by action, queue depth and managed resources,
/// and OIDC publishing passes and writes (docs/design.md section 11).
/// One registry per process, served as text by `HTTPEndpoints.metrics`.
public final class OperatorMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let reconcileDuration: DurationHistogram
    private let queueDepth: Gauge
    private let queueDelayed: Gauge
    private let reconcilesInFlight: Gauge
    private let managedResources: Gauge
    private let driftPassDuration: Gauge
    private let driftPassRoles: Gauge
    private let driftPassRequests: Gauge

    /// IAM actions that change something; every other IAM action only reads.
    static let iamWritePrefixes = ["Create", "Put", "Update", "Delete", "Attach", "Detach", "Tag", "Untag", "Add", "Remove", "Set"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        reconcileDuration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "trustline", metricName: "reconcile_duration", unitName: "seconds",
                helpText: "Time one reconcile of a WorkloadAwsAccess took."),
            labels: [],
            buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)])
        queueDepth = registry.makeGauge(descriptor: Self.name("workqueue_depth", "keys", "Keys ready to be reconciled now."))
        queueDelayed = registry.makeGauge(descriptor: Self.name("workqueue_delayed", "keys", "Keys waiting for a retry or requeue time."))
        reconcilesInFlight = registry.makeGauge(descriptor: Self.name("reconciles_in_flight", "count", "Reconciles running now."))
        managedResources = registry.makeGauge(descriptor: Self.name("managed_resources", "count", "WorkloadAwsAccess resources in the operator's cache."))
        driftPassDuration = registry.makeGauge(descriptor: Self.name("drift_pass_duration", "seconds", "How long the last drift pass took."))
        driftPassRoles = registry.makeGauge(
            descriptor: Self.name("drift_pass_roles", "", "Roles in the last drift pass's snapshot: under the role path or named by a resource."))
        driftPassRequests = registry.makeGauge(
            descriptor: Self.name("drift_pass_iam_requests", "", "IAM requests the last drift pass made (GetAccountAuthorizationDetails pages)."))
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "trustline", metricName: metric, unitName: unit, helpText: help)
    }

    /// One finished reconcile.
    public func recordReconcile(_ result: ReconcileResult, duration: Duration) {
        let label: String
        switch result {
        case .done: label = "success"
        case .requeue: label = "requeue"
        case .transientError: label = "error"
        case .terminalError: label = "terminal_error"
        }
        registry.makeCounter(
            descriptor: Self.name("reconciles", "total", "Reconciles by result: success, requeue, error (retried with backoff), terminal_error."),
            labels: [("result", label)]
        ).increment()
        reconcileDuration.record(duration)
    }

    /// One HTTP exchange with AWS (every attempt, retries included). `code` is `OK`, the AWS error
    /// code, `HTTP<status>` when the answer had none, or `TransportError`.
    public func recordAWSRequest(service: String, action: String, code: String) {
        registry.makeCounter(
            descriptor: Self.name("aws_requests", "total", "HTTP requests to AWS by service, action and result code (OK or the AWS error code)."),
            labels: [("service", service), ("action", action), ("code", code)]
        ).increment()
        if service == "iam", Self.isWrite(action) {
            registry.makeCounter(
                descriptor: Self.name("iam_writes", "total", "IAM requests that change something, by action (retries included)."),
                labels: [("action", action)]
            ).increment()
        }
    }

    /// One IAM request let through by the request budget after `waited` (zero when a token was free).
    public func recordIAMBudgetWait(_ waited: Duration) {
        let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        guard seconds > 0.000_5 else { return }
        registry.makeCounter(
            descriptor: Self.name("iam_budget_waited_requests", "total", "IAM requests that waited for the iamRequestsPerSecond budget."))
            .increment()
        registry.makeCounter(
            descriptor: Self.name("iam_budget_wait", "seconds_total", "Time IAM requests spent waiting for the iamRequestsPerSecond budget."))
            .increment(by: seconds)
    }

    /// One object a list or watch skipped because it does not decode (counted at each sighting:
    /// a relist sees it again). Any value above zero means some resource is being ignored.
    public func recordUndecodableObject(kind: String) {
        registry.makeCounter(
            descriptor: Self.name("undecodable_objects", "total", "Objects skipped by a list or watch because they do not decode, by kind (each sighting)."),
            labels: [("kind", kind)]
        ).increment()
    }

    static func isWrite(_ action: String) -> Bool {
        iamWritePrefixes.contains { action.hasPrefix($0) }
    }

    public func setQueue(_ metrics: WorkQueue.Metrics) {
        queueDepth.set(Double(metrics.depth))
        queueDelayed.set(Double(metrics.delayed))
        reconcilesInFlight.set(Double(metrics.inFlight))
    }

    /// Roles the orphan sweep deleted (`OrphanRoleSweep`); no event reports them, as no
    /// resource is left to attach one to.
    public func recordOrphanRolesDeleted(_ count: Int) {
        registry.makeCounter(
            descriptor: Self.name("orphan_roles_deleted", "total", "Roles the orphan sweep deleted: tagged for this cluster, but for no live resource or a role it no longer names."),
            labels: []
        ).increment(by: Int64(count))
    }

    /// One OIDC publishing pass (`OIDCPublisher`): `unchanged` (the bucket already held both
    /// documents), `written` (at least one was put) or `failed`.
    public func recordOIDCPublishCheck(result: String) {
        registry.makeCounter(
            descriptor: Self.name("oidc_publish_checks", "total", "OIDC publishing passes by result: unchanged, written, failed."),
            labels: [("result", result)]
        ).increment()
    }

    /// One published object put to S3, by object (`openid-configuration` or `jwks`): a steady state adds none.
    public func recordOIDCObjectWrite(object: String) {
        registry.makeCounter(
            descriptor: Self.name("oidc_publish_writes", "total", "Objects OIDC publishing put to S3, by object (openid-configuration, jwks)."),
            labels: [("object", object)]
        ).increment()
    }

    /// One finished drift pass (`DriftPass`): its duration, the roles in its snapshot, its IAM
    /// requests, and how many resources it sent to a full reconcile, by verdict (`drifted`,
    /// `undecidable`).
    func recordDriftPass(duration: Duration, roles: Int, iamRequests: Int, found: [String: Int]) {
        driftPassDuration.set(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        driftPassRoles.set(Double(roles))
        driftPassRequests.set(Double(iamRequests))
        for verdict in ["drifted", "undecidable"] {
            registry.makeCounter(
                descriptor: Self.name("drift_resources_found", "total", "Resources a drift pass sent to a full reconcile, by verdict: drifted, undecidable."),
                labels: [("verdict", verdict)]
            ).increment(by: Int64(found[verdict, default: 0]))
        }
    }

    public func setManagedResources(_ count: Int) {
        managedResources.set(Double(count))
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }
}
