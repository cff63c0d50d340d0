import AWSClients
import ControllerRuntime
import Foundation
import KubeClient
import KubeModels
import Logging
import ServiceLifecycle
import Synchronization
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
        let aws = try AWSConnections(environment: options.environment) { service, client in
            MeteredHTTPClient(wrapping: client, service: service, metrics: metrics)
        }
        let resolver = EnvironmentResolver(settings: settings, kubernetes: kubernetes, aws: aws, logger: logger)
        let environment = try await cancelWhenGracefulShutdown { try await resolver.resolve() }
        let identity = options.leaderElection?.configuration.identity ?? LeaderElectionOptions.defaultIdentity(environment: options.environment)
        let events = QueuedEventRecorder(
            wrapping: KubernetesEventRecorder(kubernetes: kubernetes, reportingInstance: identity, logger: logger), logger: logger)
        let reconciler = WorkloadAwsAccessReconciler(
            settings: settings, environment: environment, iam: aws.iam, kubernetes: kubernetes, events: events, logger: logger)
        let term = ControllerTerm<WorkloadAwsAccessReconciler>()
        let runner = TermRunner(settings: settings, kubernetes: kubernetes, reconciler: reconciler, term: term, metrics: metrics, health: health, logger: logger)
        let ended: Result<Void, any Error>
        do {
            if let election = options.leaderElection {
                try await runElected(runner, election: election, kubernetes: kubernetes)
            } else {
                try await withGracefulShutdownHandler {
                    try await runner.run()
                } onGracefulShutdown: {
                    Task { await term.drain() }
                }
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

    private func runElected(_ runner: TermRunner, election: LeaderElectionOptions, kubernetes: KubernetesClient) async throws {
        // Followers are healthy and ready: they just do not reconcile.
        health.markReady()
        let link = ElectionLink()
        let scoped = LeadershipScopedTask { [logger] in
            do {
                try await runner.run()
            } catch {
                guard !Task.isCancelled else { return }
                logger.error("controller failed: \(error)")
                link.fail(error)
            }
        }
        let elector = LeaderElector(
            configuration: election.configuration,
            store: KubernetesLeaseStore(kubernetes: kubernetes, namespace: election.namespace, name: election.leaseName),
            logger: logger,
            onStartedLeading: { [logger] in
                logger.info("leading: starting the controller", metadata: ["lease": "\(election.namespace)/\(election.leaseName)"])
                scoped.start()
            },
            onStoppedLeading: { [logger] in
                logger.info("not leading: stopping the controller")
                await scoped.stop()
            })
        link.attach(elector)
        logger.info(
            "campaigning for leadership",
            metadata: ["lease": "\(election.namespace)/\(election.leaseName)", "identity": "\(election.configuration.identity)"])
        await withGracefulShutdownHandler {
            await elector.run()
        } onGracefulShutdown: {
            Task {
                await runner.term.drain()
                elector.stop()
            }
        }
        if let failure = link.failure { throw failure }
    }
}

/// Lets a failed leadership term stop the elector that started it (they reference each other).
private final class ElectionLink: Sendable {
    private struct State {
        var elector: LeaderElector?
        var failure: (any Error)?
    }

    private let state = Mutex(State())

    var failure: (any Error)? { state.withLock { $0.failure } }

    func attach(_ elector: LeaderElector) {
        let failed = state.withLock { state -> Bool in
            state.elector = elector
            return state.failure != nil
        }
        if failed { elector.stop() }
    }

    func fail(_ error: any Error) {
        let elector = state.withLock { state -> LeaderElector? in
            if state.failure == nil { state.failure = error }
            return state.elector
        }
        elector?.stop()
    }
}

/// Runs one controller term: fresh reflectors and a fresh `Controller` (a stopped controller does
/// not restart), plus the queue and cache gauges, until the controller drains or fails.
struct TermRunner: Sendable {
    let settings: OperatorSettings
    let kubernetes: any KubernetesAPI
    let reconciler: WorkloadAwsAccessReconciler
    let term: ControllerTerm<WorkloadAwsAccessReconciler>
    let metrics: OperatorMetrics
    let health: OperatorHealth
    let logger: Logger

    func run() async throws {
        let health = self.health
        let metrics = self.metrics
        let logger = self.logger
        let undecodable = UndecodableObjectReporter(events: reconciler.events, metrics: metrics, logger: logger)
        let watches = WatchSources(
            kubernetes: kubernetes, watchNamespaces: settings.watchNamespaces, health: health, logger: logger, undecodable: undecodable
        ) {
            logger.info("resource caches synced")
            health.markReady()
        }
        let controller = Controller(
            reconciler: reconciler.reading(from: watches),
            configuration: ControllerConfiguration(
                name: "workloadawsaccess", concurrency: settings.concurrency,
                resync: ResyncSchedule(period: settings.resyncPeriod, jitter: 0.1)),
            knownKeys: { watches.keys },
            logger: logger,
            observer: { _, result, elapsed in metrics.recordReconcile(result, duration: elapsed) })
        guard term.begin(controller) else { return }
        defer { term.end() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await controller.run(sources: watches.sources)
                } catch {
                    health.markFailed("\(error)")
                    throw error
                }
            }
            group.addTask { await sweepOrphans(watches) }
            group.addTask {
                while !Task.isCancelled {
                    metrics.setQueue(controller.queueMetrics)
                    metrics.setManagedResources(watches.resourceCount)
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The orphan sweep (`OrphanRoleSweep`) of this term: once the caches synced, then once per
    /// resync period. A failed pass is logged and tried again at the next one.
    private func sweepOrphans(_ watches: WatchSources) async {
        let sweep = reconciler.orphanSweep
        var logger = logger
        logger[metadataKey: "task"] = "orphan-sweep"
        metrics.recordOrphanRolesDeleted(0)
        while !Task.isCancelled {
            if let live = watches.syncedResources {
                do {
                    let report = try await sweep.sweep(live: live, logger: logger)
                    metrics.recordOrphanRolesDeleted(report.deleted.count)
                    logger.debug("orphan sweep done", metadata: ["examined": "\(report.examined)", "deleted": "\(report.deleted.count)"])
                } catch {
                    logger.warning("orphan sweep failed: IAM \(error.action): \(error.error); trying again at the next resync")
                }
                do { try await Task.sleep(for: settings.resyncPeriod) } catch { return }
            } else {
                do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
            }
        }
    }
}
