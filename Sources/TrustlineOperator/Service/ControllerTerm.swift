import ControllerRuntime
import KubeClient
import Logging
import ServiceLifecycle
import TrustlineCore

/// One term of the WorkloadAwsAccess controller (a leadership term, or the whole run without
/// leader election): fresh reflectors and a fresh `Controller` (a stopped controller does not
/// restart) around the one reconciler, plus the orphan sweep, OIDC publishing's periodic check
/// and the queue and cache gauges.
/// `run` returns once the controller drained after a graceful shutdown, and is cancelled when
/// leadership is lost; it throws when the controller fails.
struct ControllerTerm: Sendable {
    let settings: OperatorSettings
    let kubernetes: any KubernetesAPI
    let reconciler: WorkloadAwsAccessReconciler
    /// The handle the reconciler reads; this term's caches are served through it while it runs.
    let cache: CurrentTermCache
    /// Set when `oidcPublishBucket` is: re-checked once per resync period while this term runs.
    let publisher: OIDCPublisher?
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
            reconciler: reconciler,
            configuration: ControllerConfiguration(
                name: "workloadawsaccess", concurrency: settings.concurrency,
                resync: ResyncSchedule(period: settings.resyncPeriod, jitter: 0.1)),
            knownKeys: { watches.keys },
            logger: logger,
            observer: { _, result, elapsed in metrics.recordReconcile(result, duration: elapsed) })
        try await cache.serving(watches) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        // A graceful shutdown stops the queue; in-flight reconciles finish first.
                        try await withGracefulShutdownHandler {
                            try await controller.run(sources: watches.sources)
                        } onGracefulShutdown: {
                            controller.shutDown()
                        }
                    } catch {
                        health.markFailed("\(error)")
                        throw error
                    }
                }
                group.addTask { await sweepOrphans(watches) }
                if let publisher { group.addTask { await republish(publisher) } }
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
    }

    /// OIDC publishing's periodic check (docs/design.md section 11): once per resync period, after
    /// the check made at start. A failed pass (an issuer changed under the operator included) is
    /// logged and counted, and tried again at the next period; it does not stop reconciling.
    private func republish(_ publisher: OIDCPublisher) async {
        var logger = logger
        logger[metadataKey: "task"] = "oidc-publish"
        while !Task.isCancelled {
            do { try await Task.sleep(for: settings.resyncPeriod) } catch { return }
            do {
                let report = try await publisher.publish(logger: logger)
                logger.debug("OIDC publishing checked", metadata: ["written": "\(report.written)"])
            } catch {
                logger.warning("OIDC publishing failed: \(error.description); trying again at the next resync")
            }
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
