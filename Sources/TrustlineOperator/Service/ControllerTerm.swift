import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import ServiceLifecycle
import TrustlineCore

/// One term of the WorkloadAwsAccess controller (a leadership term, or the whole run without
/// leader election): fresh reflectors and a fresh `Controller` (a stopped controller does not
/// restart) around the one reconciler, plus the drift pass (which also feeds the orphan sweep),
/// OIDC publishing's periodic check and the queue and cache gauges.
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
        let undecodable = UndecodableObjectReporter(events: self.reconciler.events, metrics: metrics, logger: logger)
        // Fresh each term: while another replica led, it may have written what this one remembers.
        let convergedRoles = ConvergedRoleMemo()
        let reconciler = self.reconciler.remembering(convergedRoles)
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
                // No per-key resync: the drift pass reads IAM in bulk and enqueues only what differs.
                resync: nil),
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
                group.addTask { await runDriftPasses(watches, controller: controller, reconciler: reconciler) }
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

    /// The drift pass (`DriftPass`, docs/design.md section 12) of this term: once per resync
    /// period (jittered by 10%), counted from when the caches synced. Each key the pass flags is
    /// marked so its reconcile observes IAM in full, and enqueued; the orphan sweep then runs over
    /// the same snapshot, and the OIDC provider is checked as the reconciles used to check it. A
    /// failed pass is logged and tried again at the next period.
    private func runDriftPasses(
        _ watches: WatchSources, controller: Controller<WorkloadAwsAccessReconciler>, reconciler: WorkloadAwsAccessReconciler
    ) async {
        guard let convergedRoles = reconciler.convergedRoles else { return }
        let pass = DriftPass(iam: reconciler.iam, settings: settings, context: reconciler.context, memo: convergedRoles)
        let sweep = reconciler.orphanSweep
        let schedule = ResyncSchedule(period: settings.resyncPeriod, jitter: 0.1)
        var random = SystemRandomNumberGenerator()
        var logger = logger
        logger[metadataKey: "task"] = "drift-pass"
        metrics.recordOrphanRolesDeleted(0)
        while watches.syncedResources == nil {
            do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
        }
        while !Task.isCancelled {
            do { try await Task.sleep(for: schedule.nextDelay(using: &random)) } catch { return }
            guard let live = watches.syncedResources else { continue }
            let started = ContinuousClock.now
            let report: DriftPass.Report
            do {
                report = try await pass.run(live: live)
            } catch {
                guard case .iam(let failure) = error else { return }
                if failure.isAccessDenied {
                    // An IAM policy from before the drift pass: observe every role on its own, as before.
                    logger.warning("drift pass denied: grant the operator iam:GetAccountAuthorizationDetails (config/iam); until then every converged resource is observed role by role each resync")
                    reobserveConverged(live, memo: convergedRoles, controller: controller)
                } else {
                    logger.warning("drift pass failed: IAM GetAccountAuthorizationDetails: \(failure); trying again at the next resync")
                }
                continue
            }
            for (key, verdict) in report.flagged.sorted(by: { $0.key < $1.key }) {
                convergedRoles.flag(key)
                controller.enqueue(key)
                logger.debug("drift pass flagged a resource", metadata: ["resource": "\(key)", "verdict": "\(verdict)"])
            }
            if live.keys.contains(where: { live.resource($0).map(DriftPass.isConverged) ?? false }) {
                let providerUsable = await reconciler.oidcProviderStillUsable(logger: logger)
                if !providerUsable {
                    logger.warning("the IAM OIDC provider is missing; reconciling every converged resource")
                    reobserveConverged(live, memo: convergedRoles, controller: controller)
                }
            }
            var orphansDeleted = 0
            do {
                orphansDeleted = try await sweep.sweep(roles: report.rolesForSweep, live: live, logger: logger).deleted.count
            } catch {
                logger.warning("orphan sweep failed: IAM \(error.action): \(error.error); trying again at the next resync")
            }
            metrics.recordOrphanRolesDeleted(orphansDeleted)
            let elapsed = started.duration(to: .now)
            let found = report.flaggedByLabel
            metrics.recordDriftPass(duration: elapsed, roles: report.roles, iamRequests: report.requests, found: found)
            logger.info("drift pass done", metadata: [
                "duration": "\(elapsed)",
                "roles": "\(report.roles)", "iamRequests": "\(report.requests)", "resources": "\(report.compared)",
                "drifted": "\(found["drifted", default: 0])", "undecidable": "\(found["undecidable", default: 0])",
                "orphansDeleted": "\(orphansDeleted)",
            ])
        }
    }

    /// Sends every converged resource to a reconcile that observes IAM in full.
    private func reobserveConverged(
        _ live: LiveResources, memo: ConvergedRoleMemo, controller: Controller<WorkloadAwsAccessReconciler>
    ) {
        for key in live.keys {
            guard let resource = live.resource(key), DriftPass.isConverged(resource) else { continue }
            memo.flag(key)
            controller.enqueue(key)
        }
    }
}
