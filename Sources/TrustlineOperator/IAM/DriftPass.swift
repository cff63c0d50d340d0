import AWSClients
import KubeModels
import Logging
import TrustlineCore

/// One bulk drift pass (docs/design.md section 12): reads every role of the account a page at a
/// time with GetAccountAuthorizationDetails and compares each converged resource's role against
/// what its page showed, through core's `BulkDriftCheck` (the per-role path's own comparison).
/// Each role is compared as its page arrives and then dropped, so the pass holds one page of
/// documents at a time; of the roles under the role path it keeps only the ownership of those the
/// orphan sweep has to judge. It reads and never writes: what it finds is returned for the
/// controller to reconcile, with a full observation.
struct DriftPass: Sendable {
    /// Why a pass stopped before its end.
    enum Failure: Error {
        case iam(AWSClientError)
        case cancelled
    }

    /// What one pass found.
    struct Report: Sendable {
        /// The resources whose next reconcile must observe IAM in full, with why, by key.
        var flagged: [ObjectKey: DriftVerdict] = [:]
        /// Converged resources compared.
        var compared = 0
        /// Roles the pass kept: under the role path, or named by a converged resource.
        var roles = 0
        /// IAM requests made (pages read).
        var requests = 0
        /// The roles under the role path that `OrphanRoleSweep` has to judge, with their ownership
        /// tags: all of them but each converged resource's own role (tagged with its uid and
        /// named as it wants), which the sweep would keep. At 10,000 converged resources that
        /// leaves next to nothing to hold, instead of 10,000 roles' tags.
        var rolesForSweep: [TaggedRole] = []

        /// How many flagged resources carry each `DriftVerdict.metricLabel`.
        var flaggedByLabel: [String: Int] {
            flagged.values.reduce(into: [:]) { counts, verdict in
                if let label = verdict.metricLabel { counts[label, default: 0] += 1 }
            }
        }
    }

    let iam: any IAMAPI
    let settings: OperatorSettings
    let context: RenderingContext
    let memo: ConvergedRoleMemo
    /// `MaxItems` of each page: IAM allows up to 1000, the fewest requests.
    var pageSize = 1000

    /// Compares every resource in `live` that is converged for its generation (`Ready` True at
    /// its `observedGeneration`); the others are in their own retry and not the pass's business.
    /// Each resource is read from `live` when its role's page arrives, so a resource changed or
    /// deleted meanwhile is left to the reconcile its change caused.
    func run(live: LiveResources) async throws(Failure) -> Report {
        var report = Report()
        var byRoleName: [String: [ObjectKey]] = [:]
        for key in live.keys {
            guard let resource = live.resource(key), Self.isConverged(resource) else { continue }
            byRoleName[RoleNaming.roleName(for: resource, clusterName: settings.clusterName).lowercased(), default: []].append(key)
        }
        let began = memo.mark
        var compared: [ObjectKey: DriftVerdict] = [:]
        var marker: String?
        repeat {
            if Task.isCancelled { throw .cancelled }
            let page: RoleAuthorizationDetailsPage
            do {
                page = try await iam.roleAuthorizationDetailsPage(marker: marker, pageSize: pageSize)
            } catch {
                throw .iam(error)
            }
            report.requests += 1
            for detail in page.roles {
                let underPath = detail.path.hasPrefix(settings.rolePath)
                let wanted = byRoleName[detail.roleName.lowercased()] ?? []
                if underPath {
                    let role = TaggedRole(detail)
                    let ownersUid = role.owner?.uid
                    let isOwnRole = ownersUid != nil && wanted.contains { live.resource($0)?.metadata.uid == ownersUid }
                    if !isOwnRole { report.rolesForSweep.append(role) }
                }
                if underPath || !wanted.isEmpty { report.roles += 1 }
                for key in wanted {
                    guard let resource = live.resource(key), Self.isConverged(resource) else { continue }
                    compared[key] = compare(resource, with: Self.snapshotRole(detail))
                }
            }
            marker = page.nextMarker
        } while marker != nil
        for keys in byRoleName.values {
            for key in keys {
                guard let resource = live.resource(key), Self.isConverged(resource) else { continue }
                report.compared += 1
                let verdict = BulkDriftCheck.settle(
                    compared[key] ?? .undecidable(.missingFromSnapshot), changedSinceSnapshotBegan: memo.changed(key, since: began))
                if verdict.needsFullObservation { report.flagged[key] = verdict }
            }
        }
        return report
    }

    private func compare(_ resource: WorkloadAwsAccess, with snapshot: SnapshotRole) -> DriftVerdict {
        switch AccessEvaluation.evaluate(resource, settings: settings, context: context) {
        case .success(let rendered):
            return BulkDriftCheck.compare(
                desired: rendered.role, owner: rendered.owner, snapshot: snapshot, adoptionPolicy: settings.adoptionPolicy,
                adoptableRoleNames: settings.adoptableRoleNames)
        case .failure(let rejection):
            // Converged at this generation, yet refused now (the settings changed): its reconcile says why.
            return .undecidable(.notRendered(rejection.message))
        }
    }

    /// Converged for its current generation and not being deleted.
    static func isConverged(_ resource: WorkloadAwsAccess) -> Bool {
        guard resource.metadata.deletionTimestamp == nil, let status = resource.status,
            status.observedGeneration == resource.metadata.generation
        else { return false }
        return status.condition(.ready)?.status == .true
    }

    /// The role as core compares it; description and maximum session duration are not in a
    /// RoleDetail and are not compared (`BulkDriftCheck`).
    static func snapshotRole(_ detail: IAMRoleDetail) -> SnapshotRole {
        var inline: [String: String] = [:]
        for policy in detail.inlinePolicies { inline[policy.policyName] = policy.policyDocument }
        do {
            return .present(try ObservedRole.fromIAM(
                name: detail.roleName, path: detail.path, arn: detail.arn, description: nil,
                maxSessionDuration: RoleSpec.defaultMaxSessionDurationSeconds, permissionsBoundaryArn: detail.permissionsBoundaryArn,
                trustPolicyText: detail.assumeRolePolicyDocument ?? "{}", inlinePolicyTexts: inline,
                attachedManagedPolicyArns: detail.attachedPolicies.map(\.policyArn), tags: detail.tags.map { (key: $0.key, value: $0.value) }))
        } catch {
            return .unreadable(error.message)
        }
    }
}
