import AWSClients
import ControllerRuntime
import Foundation
import KubeClient
import KubeModels
import Logging
import ServiceLifecycle
import TrustlineCore

/// The operator proper as a swift-service-lifecycle `Service`: connects to Kubernetes and AWS,
/// resolves the environment, then runs the WorkloadAwsAccess controller (while it leads, when
/// leader election is on). A graceful shutdown (SIGTERM) drains in-flight reconciles first and
/// then hands the lease back, so a successor takes over at once.
public struct OperatorService: Service {
    let settings: OperatorSettings
    let options: OperatorRuntimeOptions
    let metrics: OperatorMetrics
    let health: OperatorHealth
    let logger: Logger

    public init(settings: OperatorSettings, options: OperatorRuntimeOptions, metrics: OperatorMetrics, health: OperatorHealth, logger: Logger) {
        self.settings = settings
        self.options = options
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let kubeConfiguration = try KubeConfiguration.load(kubeconfigPath: options.kubeconfigPath)
        logger.info("connecting to Kubernetes", metadata: ["server": "\(kubeConfiguration.server)", "origin": "\(kubeConfiguration.origin)"])
        let kubernetes = KubernetesClient(configuration: kubeConfiguration, logger: logger)
        let metrics = self.metrics
        // The IAM request budget sits under the metering, so metrics count requests as sent.
        let budget = settings.iamRequestsPerSecond > 0
            ? RequestBudget(ratePerSecond: Double(settings.iamRequestsPerSecond), burst: Double(settings.iamRequestsPerSecond))
            : nil
        let aws = try AWSConnections(environment: options.environment) { service, client in
            let metered = MeteredHTTPClient(wrapping: client, service: service, metrics: metrics)
            guard service == "iam", let budget else { return metered }
            return BudgetedHTTPClient(wrapped: metered, budget: budget, metrics: metrics)
        }
        let resolver = EnvironmentResolver(settings: settings, kubernetes: kubernetes, aws: aws, logger: logger)
        let environment = try await cancelWhenGracefulShutdown { try await resolver.resolve() }
        let publisher = try await publishAtStart(issuer: environment.oidcIssuer, s3: aws.s3, kubernetes: kubernetes)
        let identity = options.leaderElection?.configuration.identity ?? LeaderElectionOptions.defaultIdentity(environment: options.environment)
        let events = QueuedEventRecorder(
            wrapping: KubernetesEventRecorder(kubernetes: kubernetes, reportingInstance: identity, logger: logger), logger: logger)
        let cache = CurrentTermCache()
        let reconciler = WorkloadAwsAccessReconciler(
            settings: settings, environment: environment, iam: aws.iam, kubernetes: kubernetes, cache: cache, events: events, logger: logger)
        let term = ControllerTerm(
            settings: settings, kubernetes: kubernetes, reconciler: reconciler, cache: cache, publisher: publisher, metrics: metrics,
            health: health, logger: logger)
        let ended: Result<Void, any Error>
        do {
            if let election = options.leaderElection {
                try await runElected(term, election: election, kubernetes: kubernetes)
            } else {
                try await term.run()
            }
            ended = .success(())
        } catch {
            ended = .failure(error)
        }
        // Reconciles have drained: send the events they queued, briefly.
        await events.finish()
        try ended.get()
        logger.info("operator stopped")
    }

    /// With `oidcPublishBucket`, publishes the OIDC documents once before anything else touches
    /// AWS IAM (docs/design.md section 11): an API server issuing tokens for another issuer stops
    /// the operator here with the `--service-account-issuer` to set. Every replica publishes at
    /// start (writes only what differs, so a second replica writes nothing); afterwards only the
    /// leader looks again, once per resync period.
    private func publishAtStart(issuer: String, s3: S3Client, kubernetes: KubernetesClient) async throws -> OIDCPublisher? {
        guard let bucket = settings.oidcPublishBucket else { return nil }
        let publisher = OIDCPublisher(
            bucket: bucket, prefix: settings.oidcPublishPrefix, issuer: issuer, s3: s3,
            readAPIServer: { path in try await kubernetes.getRaw(path: path) }, metrics: metrics)
        var taskLogger = logger
        taskLogger[metadataKey: "task"] = "oidc-publish"
        let logger = taskLogger
        let report = try await cancelWhenGracefulShutdown { try await publisher.publish(logger: logger) }
        logger.info("OIDC documents published", metadata: ["bucket": "\(bucket)", "issuer": "\(issuer)", "written": "\(report.written)"])
        return publisher
    }

    /// Runs `term` for each leadership term. On graceful shutdown the elector stops campaigning
    /// while the running term drains (the term handles the shutdown itself), and releases the
    /// lease once the term returned. A term that fails ends the election with its error.
    private func runElected(_ term: ControllerTerm, election: LeaderElectionOptions, kubernetes: KubernetesClient) async throws {
        // Followers are healthy and ready: they just do not reconcile.
        health.markReady()
        let lease = "\(election.namespace)/\(election.leaseName)"
        let elector = LeaderElector(
            configuration: election.configuration,
            store: KubernetesLeaseStore(kubernetes: kubernetes, namespace: election.namespace, name: election.leaseName),
            logger: logger)
        logger.info("campaigning for leadership", metadata: ["lease": "\(lease)", "identity": "\(election.configuration.identity)"])
        try await withGracefulShutdownHandler {
            try await elector.whileLeading { [logger] in
                logger.info("leading: starting the controller", metadata: ["lease": "\(lease)"])
                do {
                    try await term.run()
                } catch {
                    if Task.isCancelled {
                        logger.info("not leading: stopped the controller")
                    } else {
                        logger.error("controller failed: \(error)")
                    }
                    throw error
                }
                if Task.isCancelled { logger.info("not leading: stopped the controller") }
            }
        } onGracefulShutdown: {
            elector.stop()
        }
    }
}
