import AWSClients
import ControllerRuntime
import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// The operator's reconciler: converges one `WorkloadAwsAccess` into an IAM role, its policies
/// and tags and an annotated ServiceAccount, following docs/design.md section 4 step by step and stopping
/// at the first blocker, which it reports in status and as a Warning event.
public struct WorkloadAwsAccessReconciler: Reconciler {
    /// The finalizer that holds a resource until cleanup is done.
    public static let finalizer = "trustline.dev/cleanup"
    /// `finalizer` with ControllerRuntime's decisions: only our name is ever added or removed.
    static let cleanupFinalizer = Finalizer(finalizer)

    let settings: OperatorSettings
    let environment: OperatorEnvironment
    let iam: any IAMAPI
    let kubernetes: any KubernetesAPI
    let clock: any WallClock
    let events: any EventRecorder
    let logger: Logger
    /// How long to wait before looking again at a blocker only the outside world can lift (a
    /// foreign role, a missing OIDC provider or ServiceAccount).
    let blockedRetryInterval: Duration
    let oidcProviders: OIDCProviderCheck
    /// Managed policy documents, read once and shared by every reconcile of this reconciler.
    let managedPolicies: ManagedPolicyCatalog
    /// The watch caches the resource and ServiceAccounts are read from, never a GET (see
    /// `ReconcileCache`): in the operator, the running term's caches (`CurrentTermCache`).
    let cache: any ReconcileCache
    /// Says on each resource when the issuer cannot be used by real STS (docs/design.md section 11).
    let issuerNotice: IssuerReachabilityNotice
    /// Set while the bulk drift pass runs (`ControllerTerm`): roles converged for the resource's
    /// current generation are not read again until the pass flags them. Nil: every reconcile
    /// observes IAM (docs/design.md section 4 step 3).
    var convergedRoles: ConvergedRoleMemo?

    /// - Parameters:
    ///   - settings: the operator's settings (cluster name, role path, boundary, guardrails, adoption).
    ///   - environment: account id, partition and OIDC issuer resolved at start.
    ///   - clock: calendar time for conditions and the OIDC provider check's refresh.
    ///   - events: where events go, usually a `KubernetesEventRecorder`.
    ///   - cache: the watch caches to read the resource and ServiceAccounts from.
    ///   - blockedRetryInterval: delay before retrying a block only an outside change can lift.
    init(
        settings: OperatorSettings, environment: OperatorEnvironment, iam: any IAMAPI, kubernetes: any KubernetesAPI,
        cache: any ReconcileCache,
        clock: any WallClock = SystemWallClock(), events: any EventRecorder, logger: Logger,
        blockedRetryInterval: Duration = .seconds(60)
    ) {
        self.settings = settings
        self.environment = environment
        self.iam = iam
        self.kubernetes = kubernetes
        self.cache = cache
        self.clock = clock
        self.events = events
        self.logger = logger
        self.blockedRetryInterval = blockedRetryInterval
        self.oidcProviders = OIDCProviderCheck(iam: iam, clock: clock, refreshInterval: settings.resyncPeriod)
        self.issuerNotice = IssuerReachabilityNotice(issuer: environment.oidcIssuer)
        self.managedPolicies = ManagedPolicyCatalog(iam: iam, clock: clock, versionLifetime: settings.resyncPeriod)
    }

    var context: RenderingContext { environment.renderingContext(settings: settings) }
    /// The orphan sweep over this reconciler's cluster (run by `ControllerTerm` on each drift pass's roles).
    var orphanSweep: OrphanRoleSweep {
        OrphanRoleSweep(
            iam: iam, clusterName: settings.clusterName, watchNamespaces: settings.watchNamespaces,
            gracePeriod: settings.orphanGracePeriod, clock: clock)
    }
    var publisher: StatusPublisher { StatusPublisher(kubernetes: kubernetes, events: events, clock: clock) }

    public func reconcile(_ key: ObjectKey) async -> ReconcileResult {
        var logger = logger
        logger[metadataKey: "resource"] = "\(key)"
        guard let resource = cache.resource(key) else {
            logger.debug("resource is gone")
            convergedRoles?.forget(key)
            return .done
        }
        switch Self.cleanupFinalizer.decision(for: resource.metadata) {
        case .ignore:
            convergedRoles?.forget(key)
            return .done
        case .cleanUp:
            convergedRoles?.forget(key)
            return await cleanUp(resource, logger: logger)
        case .apply:
            return await converge(resource, key: key, expecting: .unknown, firstReconcile: false, logger: logger)
        case .addFinalizer(let patch):
            let withFinalizer: WorkloadAwsAccess
            do {
                withFinalizer = try await write(patch, on: resource)
            } catch let error as KubeAPIError where error.isNotFound {
                return .done
            } catch {
                logger.warning("could not add finalizer: \(error)")
                return .transientError("could not add finalizer \(Self.finalizer): \(error)")
            }
            // Our finalizer was just written (guarded by the resourceVersion, so no earlier reconcile
            // had written it) and status names no role: no reconcile of this resource ever reached
            // IAM, and the role is created without observing first (see `RoleConvergence`).
            let neverReconciled = (resource.status?.roleName ?? "").isEmpty
            return await converge(
                withFinalizer, key: key, expecting: neverReconciled ? .noRoleYet : .unknown, firstReconcile: true, logger: logger)
        }
    }

    /// Deletion under the finalizer: announce it, clean up (a block is reported like any other,
    /// as `DeletionBlocked`), then remove our finalizer from the resource as it is after the
    /// status writes.
    private func cleanUp(_ resource: WorkloadAwsAccess, logger: Logger) async -> ReconcileResult {
        let cleanup = ResourceCleanup(
            iam: iam, kubernetes: kubernetes, publisher: publisher, target: CleanupTarget(of: resource, settings: settings, context: context))
        let current: WorkloadAwsAccess
        do {
            guard let announced = try await cleanup.announce(resource, logger: logger) else { return .done }
            current = announced
        } catch {
            return .transientError("could not write the Deleting status: \(error)")
        }
        do {
            try await cleanup.clean(current, logger: logger)
        } catch {
            return await report(error, fields: ResourceCleanup.statusFields(of: current), resource: current, logger: logger)
        }
        guard let patch = Self.cleanupFinalizer.removing(from: current.metadata) else { return .done }
        do {
            _ = try await write(patch, on: current)
            logger.info("cleanup done, finalizer removed", metadata: ["deletionPolicy": "\(current.spec.deletionPolicy)"])
            return .done
        } catch let error as KubeAPIError where error.isNotFound {
            return .done
        } catch {
            return .transientError("could not remove finalizer \(Self.finalizer): \(error)")
        }
    }

    /// Writes a finalizer list as a merge patch guarded by the resourceVersion, so a concurrent
    /// change by another controller fails with 409 and is retried; returns the updated resource.
    private func write(_ patch: FinalizerPatch, on resource: WorkloadAwsAccess) async throws -> WorkloadAwsAccess {
        try await kubernetes.patch(
            WorkloadAwsAccess.self, namespace: resource.metadata.namespace, name: resource.name,
            patch: Patch(kind: .merge, body: patch.mergePatchBody), subresource: nil, options: WriteOptions())
    }

    /// Steps 1 to 7 for a resource that is not being deleted.
    private func converge(
        _ resource: WorkloadAwsAccess, key: ObjectKey, expecting expectation: RoleConvergence.RoleExpectation, firstReconcile: Bool,
        logger: Logger
    ) async -> ReconcileResult {
        // Until the spec renders, status keeps what the last reconcile recorded; from then on the
        // fields are core's, with the role ARN status held until IAM answers.
        var fields = resource.status ?? WorkloadAwsAccessStatus()
        fields.conditions = []
        do {
            var rendered = try validate(resource)
            try await ManagedPolicyAdmission(catalog: managedPolicies, guardrails: settings.guardrails).check(resource.spec.managedPolicyArns)
            fields = rendered.statusFields(roleArn: fields.roleArn)
            try await ensureOIDCProvider(rendered, logger: logger)
            let role: RoleConvergence.Result
            var observation: ConvergedRoleMemo.Ticket?
            if let remembered = rememberedRole(rendered, of: resource, key: key) {
                role = remembered
            } else {
                observation = convergedRoles?.beginObservation(key)
                role = try await RoleConvergence(iam: iam, adoptionPolicy: settings.adoptionPolicy, adoptableRoleNames: settings.adoptableRoleNames)
                    .converge(rendered, expecting: expectation, logger: logger)
            }
            await reportAdoption(role, of: resource)
            // An adopted role keeps its own path, so its ARN can differ from the derived one.
            rendered.serviceAccountAnnotations = ServiceAccountAnnotations.render(spec: resource.spec, roleArn: role.roleArn)
            fields = rendered.statusFields(roleArn: role.roleArn)
            try await retirePreviousRoles(of: resource, replacedBy: rendered, firstReconcile: firstReconcile, logger: logger)
            await reportDrift(role, of: resource)
            _ = try await ServiceAccountConvergence(kubernetes: kubernetes, cache: cache).converge(rendered, for: resource, logger: logger)
            try await ServiceAccountConvergence.releasePrevious(
                of: resource, replacedBy: rendered, using: ServiceAccountRelease(kubernetes: kubernetes), logger: logger)
            if let observation {
                remember(rendered, roleArn: role.roleArn, of: resource, key: key, ticket: observation)
            }
            let message = "role \(role.roleArn) is in place for ServiceAccount \(resource.namespace)/\(rendered.serviceAccountName)"
                + issuerNotice.readyMessageSuffix
            let result = await finish(.converged(message: message), fields: fields, resource: resource, result: .done, logger: logger)
            await issuerNotice.warnOnce(about: resource, events: events)
            return result
        } catch {
            convergedRoles?.flag(key)
            if error.reason == .roleConflict { fields.roleArn = nil }
            return await report(error, fields: fields, resource: resource, logger: logger)
        }
    }

    /// Step 1 and 2: validation and guardrails, then rendering. No AWS call happens before this
    /// passes; the managed policies' guardrail (which reads IAM) follows it, before any IAM write.
    private func validate(_ resource: WorkloadAwsAccess) throws(ReconcileBlock) -> RenderedAccess {
        switch AccessEvaluation.evaluate(resource, settings: settings, context: context) {
        case .success(let rendered):
            return rendered
        case .failure(let rejection):
            throw ReconcileBlock(stage: .spec, reason: rejection.reason.conditionReason, message: rejection.message, retry: .afterObjectChanges)
        }
    }

    private func ensureOIDCProvider(_ rendered: RenderedAccess, logger: Logger) async throws(ReconcileBlock) {
        do {
            try await oidcProviders.ensureExists(
                arn: rendered.oidcProviderArn, issuerURL: environment.oidcIssuer, manage: settings.manageOidcProvider,
                audiences: [rendered.audience], thumbprints: environment.oidcThumbprints, logger: logger)
        } catch {
            switch error {
            case .missing(let arn):
                throw ReconcileBlock(
                    stage: .role, reason: .oidcProviderMissing,
                    message: "the IAM OIDC provider \(arn) does not exist; create it for the cluster's issuer \(environment.oidcIssuer), or run the operator with manageOidcProvider",
                    retry: .afterInterval)
            case .iam(let action, let failure):
                throw AWSFailureReport.block(failure, action: action, target: "OIDC provider \(rendered.oidcProviderArn)", stage: .role)
            }
        }
    }

    /// When a spec change gave the resource another role name, the roles it used before are
    /// deleted if they are still this resource's, so renames leave no orphan behind: the one
    /// status names, and (quick renames skip status writes) every other role under the role path
    /// tagged with this resource's uid (`StaleRoleRetirement`). The listing runs only when the
    /// name changed or status never recorded one after the first reconcile of a spec that has
    /// changed since creation: a steady state makes no list call, and neither does a resource at
    /// generation 1 whose status writes failed (one spec, one name: no earlier role to find). The
    /// listing costs a ListRoleTags per role under the path, so at generation 1 it would make every
    /// retry after a lost status write (409s, a restart) cost O(N) calls, O(N^2) in all.
    private func retirePreviousRoles(
        of resource: WorkloadAwsAccess, replacedBy rendered: RenderedAccess, firstReconcile: Bool, logger: Logger
    ) async throws(ReconcileBlock) {
        let previous = resource.status?.roleName ?? ""
        let desired = rendered.role.name
        let renamed = !previous.isEmpty && previous.lowercased() != desired.lowercased()
        let specChangedSinceCreation = (resource.metadata.generation ?? 2) > 1
        guard renamed || (previous.isEmpty && !firstReconcile && specChangedSinceCreation) else { return }
        var retired: [String] = []
        do {
            if renamed, try await OwnedRoleRemoval(iam: iam).remove(roleName: previous, owner: rendered.owner, logger: logger) == .deleted {
                retired.append(previous)
            }
            retired += try await StaleRoleRetirement(iam: iam).retire(
                owner: rendered.owner, keeping: desired, under: [rendered.role.path, context.rolePath],
                createdSince: StaleRoleRetirement.earliestCreation(of: resource), logger: logger)
        } catch {
            throw AWSFailureReport.block(error.error, action: error.action, target: "previous role of \(resource.namespace)/\(resource.name)", stage: .role)
        }
        for name in retired {
            await events.record(
                .normal("RoleReplaced", "deleted role \(name), replaced by \(desired)"),
                regarding: ObjectReference(to: resource))
        }
    }

    /// A non-empty plan for a resource that was converged at this generation is drift made behind
    /// the operator's back: say what was put back.
    private func reportDrift(_ role: RoleConvergence.Result, of resource: WorkloadAwsAccess) async {
        guard !role.actions.isEmpty else { return }
        let ready = resource.status?.condition(.ready)
        let wasConverged = resource.status?.observedGeneration == resource.metadata.generation && ready?.status == .true
        guard wasConverged else { return }
        let what = role.differences.isEmpty ? role.actions.map(\.summary) : role.differences
        await events.record(
            .normal("DriftCorrected", "put back what changed in IAM behind the operator's back: " + what.joined(separator: "; ")),
            regarding: ObjectReference(to: resource))
    }

    private func report(_ block: ReconcileBlock, fields: WorkloadAwsAccessStatus, resource: WorkloadAwsAccess, logger: Logger) async -> ReconcileResult {
        let result = block.result(blockedRetryInterval: blockedRetryInterval)
        logger.warning(block.phase == .deletion ? "deletion blocked: \(block.message)" : "blocked: \(block.message)", metadata: ["reason": "\(block.reason.rawValue)"])
        guard block.reportsStatus else { return result }
        return await finish(block.outcome, fields: fields, resource: resource, result: result, logger: logger)
    }

    private func finish(
        _ outcome: ReconcileOutcome, fields: WorkloadAwsAccessStatus, resource: WorkloadAwsAccess, result: ReconcileResult, logger: Logger
    ) async -> ReconcileResult {
        do {
            _ = try await publisher.publish(outcome, fields: fields, on: resource, logger: logger)
            if case .converged = outcome { logger.debug("converged") }
            return result
        } catch {
            logger.warning("could not write status: \(error)")
            return .transientError("could not write status: \(error)")
        }
    }
}
