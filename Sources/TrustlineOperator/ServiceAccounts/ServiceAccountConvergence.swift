import KubeClient
import KubeModels
import Logging
import TrustlineCore

/// Step 6 of docs/design.md section 4: the ServiceAccount carries the role annotations. A missing one is
/// created with an ownerReference to the resource when `spec.serviceAccount.create` is true; an
/// existing one only gets our annotations merge-patched on and is never taken over. Core's
/// `ServiceAccountClaim` decides first whether this resource may write it at all: one role per
/// ServiceAccount, the oldest claim winning, an annotation someone else set left alone.
struct ServiceAccountConvergence: Sendable {
    let kubernetes: any KubernetesAPI
    /// The ServiceAccount watch cache; nil (or not synced yet) reads the API server.
    var cache: (any ReconcileCache)?

    /// Whether the ServiceAccount was created, patched or already right.
    enum Change: Sendable, Equatable {
        case created
        case annotated
        case unchanged
    }

    func converge(_ rendered: RenderedAccess, for resource: WorkloadAwsAccess, logger: Logger) async throws(ReconcileBlock) -> Change {
        let namespace = resource.namespace
        let name = rendered.serviceAccountName
        let existing: ServiceAccount?
        switch cache?.serviceAccount(namespace: namespace, name: name) ?? .unsynced {
        case .present(let cached):
            existing = cached
        case .absent where rendered.createServiceAccount:
            // Not in the synced cache: create it without asking first; AlreadyExists (the cache
            // was behind) reads it and carries on with the existing one.
            return try await create(rendered, for: resource, logger: logger)
        case .absent, .unsynced:
            existing = try await read(namespace: namespace, name: name)
        }
        guard let existing else {
            guard rendered.createServiceAccount else {
                throw ReconcileBlock(
                    stage: .serviceAccount, reason: .waitingForServiceAccount,
                    message: "ServiceAccount \(namespace)/\(name) does not exist and spec.serviceAccount.create is false; create it, or set spec.serviceAccount.create to true",
                    retry: .afterInterval)
            }
            return try await create(rendered, for: resource, logger: logger)
        }
        return try await converge(existing, rendered, for: resource, logger: logger)
    }

    /// An existing ServiceAccount: annotated only when the claim rule lets this resource write it.
    /// A loser writes nothing and is retried after the blocked interval; the ServiceAccount watch
    /// also enqueues it when the winner's cleanup removes its annotation.
    private func converge(
        _ existing: ServiceAccount, _ rendered: RenderedAccess, for resource: WorkloadAwsAccess, logger: Logger
    ) async throws(ReconcileBlock) -> Change {
        let claimants = cache?.claimants(ofServiceAccount: rendered.serviceAccountName, namespace: resource.namespace) ?? []
        var ourRoleArns: Set<String> = [rendered.role.arn]
        if let arn = rendered.serviceAccountAnnotations[ServiceAccountAnnotations.roleArn] { ourRoleArns.insert(arn) }
        if let arn = resource.status?.roleArn, !arn.isEmpty { ourRoleArns.insert(arn) }
        let decision = ServiceAccountClaim.decide(for: resource, claimants: claimants, serviceAccount: existing, ourRoleArns: ourRoleArns)
        if case .conflict(let message) = decision {
            throw ReconcileBlock(stage: .serviceAccount, reason: .serviceAccountConflict, message: message, retry: .afterInterval)
        }
        return try await annotate(existing, rendered, for: resource, logger: logger)
    }

    private func read(namespace: String, name: String) async throws(ReconcileBlock) -> ServiceAccount? {
        do {
            return try await kubernetes.getIfPresent(ServiceAccount.self, namespace: namespace, name: name)
        } catch {
            throw Self.kubernetesBlock(error, doing: "read ServiceAccount \(namespace)/\(name)")
        }
    }

    private func create(_ rendered: RenderedAccess, for resource: WorkloadAwsAccess, logger: Logger) async throws(ReconcileBlock) -> Change {
        let serviceAccount = ServiceAccountRendering.created(
            for: resource, name: rendered.serviceAccountName, annotations: rendered.serviceAccountAnnotations)
        do {
            _ = try await kubernetes.create(serviceAccount)
            logger.info("created ServiceAccount", metadata: ["serviceAccount": "\(rendered.serviceAccountName)"])
            return .created
        } catch let error as KubeAPIError where error.isAlreadyExists {
            // Created by someone else since we (or the cache) looked: converge the one that is there.
            guard let existing = try await read(namespace: resource.namespace, name: rendered.serviceAccountName) else {
                throw ReconcileBlock(
                    stage: .serviceAccount, reason: .waitingForServiceAccount,
                    message: "ServiceAccount \(resource.namespace)/\(rendered.serviceAccountName) appeared and vanished while being created; retrying",
                    retry: .withBackoff, reportsStatus: false)
            }
            return try await converge(existing, rendered, for: resource, logger: logger)
        } catch {
            throw Self.kubernetesBlock(error, doing: "create ServiceAccount \(resource.namespace)/\(rendered.serviceAccountName)")
        }
    }

    private func annotate(
        _ existing: ServiceAccount, _ rendered: RenderedAccess, for resource: WorkloadAwsAccess, logger: Logger
    ) async throws(ReconcileBlock) -> Change {
        let current = existing.metadata.annotations ?? [:]
        var patch: [String: JSONValue] = [:]
        for (key, value) in rendered.serviceAccountAnnotations where current[key] != value {
            patch[key] = .string(value)
        }
        // Only on a ServiceAccount we created are the other eks.amazonaws.com keys surely ours
        // (left over from an earlier spec); on someone else's they may be the owner's own.
        if ServiceAccountRendering.isOwned(existing, by: resource) {
            for key in ServiceAccountAnnotations.managedKeys where rendered.serviceAccountAnnotations[key] == nil && current[key] != nil {
                patch[key] = .null
            }
        }
        if patch.isEmpty { return .unchanged }
        let body: JSONValue = ["metadata": ["annotations": .object(patch)]]
        do {
            _ = try await kubernetes.mergePatch(ServiceAccount.self, namespace: resource.namespace, name: rendered.serviceAccountName, patch: body)
            logger.info("annotated ServiceAccount", metadata: [
                "serviceAccount": "\(rendered.serviceAccountName)", "annotations": "\(patch.keys.sorted().joined(separator: ","))",
            ])
            return .annotated
        } catch {
            throw Self.kubernetesBlock(error, doing: "annotate ServiceAccount \(resource.namespace)/\(rendered.serviceAccountName)")
        }
    }

    /// A Kubernetes failure while converging the ServiceAccount: not one of the vocabulary's
    /// blockers, so it is retried with backoff and only logged.
    static func kubernetesBlock(_ error: any Error, doing what: String) -> ReconcileBlock {
        ReconcileBlock(
            stage: .serviceAccount, reason: .waitingForServiceAccount,
            message: "could not \(what): \(error)", retry: .withBackoff, reportsStatus: false)
    }
}
