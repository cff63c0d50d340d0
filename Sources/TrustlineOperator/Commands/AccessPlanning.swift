import AWSClients
import Foundation
import KubeClient
import KubeModels
import TrustlineCore

/// `trustline plan`'s engine: finds the resources in manifest files, evaluates them with
/// TrustlineCore exactly as the reconciler does, and with `--live` observes IAM read-only and
/// plans with `RolePlanner`. Never writes.
public enum AccessPlanning {
    /// A manifest path that could not be read or parsed.
    public struct InputError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Placeholders a plan renders with when a fact is unknown (offline, nothing configured).
    public static let placeholderAccountId = "000000000000"
    public static let placeholderIssuer = "https://oidc.cluster.invalid"

    /// What a plan renders with: the configured account and issuer; else, with `aws` (`--live`),
    /// STS GetCallerIdentity and, with `kubernetes`, the API server's discovery document; else
    /// placeholders, each with a note saying which flag to set.
    public static func renderingContext(
        settings: OperatorSettings, aws: AWSConnections?, kubernetes: KubernetesClient?, region: String?
    ) async throws -> (context: RenderingContext, notes: [String]) {
        var notes: [String] = []
        var accountId = settings.awsAccountId
        var issuer = settings.oidcIssuer
        if let aws, accountId == nil {
            accountId = try await aws.sts.getCallerIdentity().account
        }
        if let kubernetes, issuer == nil {
            issuer = try? await EnvironmentResolver.discoverIssuer(kubernetes: kubernetes)
        }
        if accountId == nil { notes.append("no --aws-account-id: ARNs show the placeholder account \(placeholderAccountId)") }
        if issuer == nil { notes.append("no --oidc-issuer: trust policies show the placeholder issuer \(placeholderIssuer)") }
        let partition = aws?.partition.rawValue ?? region.map { AWSPartition(region: $0).rawValue } ?? "aws"
        let context = RenderingContext(
            settings: settings, partition: partition, accountId: accountId ?? placeholderAccountId, oidcIssuer: issuer ?? placeholderIssuer)
        return (context, notes)
    }

    /// Validation and rendering, offline.
    public static func evaluate(_ resource: WorkloadAwsAccess, source: String, settings: OperatorSettings, context: RenderingContext) -> PlannedAccess {
        var planned = PlannedAccess(
            source: source, namespace: resource.namespace, name: resource.name, rendered: nil, reason: nil, violations: [], live: nil,
            specManagedPolicyArns: resource.spec.managedPolicyArns)
        switch AccessEvaluation.evaluate(resource, settings: settings, context: context) {
        case .success(let rendered):
            planned.rendered = rendered
        case .failure(let rejection):
            planned.reason = rejection.reason.rawValue
            planned.violations = rejection.failures
        }
        return planned
    }

    /// Observes the role read-only and adds the calls a reconcile would make. A manifest carries
    /// no uid, so a role tagged for the same cluster, namespace and name is treated as this
    /// resource's own (the uid tag is then not reported as a change).
    public static func observeLive(_ planned: PlannedAccess, iam: any IAMAPI, settings: OperatorSettings) async -> PlannedAccess {
        guard var rendered = planned.rendered else { return planned }
        var planned = planned
        let policyReads = planned.specManagedPolicyArns.isEmpty ? [] : ["GetPolicy (each managed policy)", "GetPolicyVersion (each managed policy)"]
        let reads = policyReads + ["GetRole", "ListRolePolicies", "GetRolePolicy (each inline policy)", "ListAttachedRolePolicies", "ListRoleTags"]
        // The managed policies' guardrail, as the reconciler applies it before any write.
        let catalog = ManagedPolicyCatalog(iam: iam, clock: SystemWallClock(), versionLifetime: settings.resyncPeriod)
        switch await ManagedPolicyAdmission(catalog: catalog, guardrails: settings.guardrails).verdict(planned.specManagedPolicyArns) {
        case .admitted:
            break
        case .refused(let failures):
            planned.rendered = nil
            planned.reason = ValidationFailure.Reason.guardrailViolation.rawValue
            planned.violations = failures
            return planned
        case .unreadable(let block):
            planned.live = LiveObservation(ownership: "error", message: block.message, readCalls: policyReads, calls: [])
            return planned
        }
        let observed: ObservedRole?
        do {
            observed = try await IAMRoleObserver(iam: iam).observe(roleName: rendered.role.name)
        } catch {
            planned.live = LiveObservation(ownership: "error", message: "\(error.action) failed: \(error.error)", readCalls: reads, calls: [])
            return planned
        }
        if rendered.owner.uid.isEmpty, let observed, observed.tag(OwnershipTags.cluster) == rendered.owner.clusterName,
            observed.tag(OwnershipTags.namespace) == rendered.owner.namespace, observed.tag(OwnershipTags.name) == rendered.owner.name,
            let uid = observed.tag(OwnershipTags.uid)
        {
            rendered.owner.uid = uid
            rendered.role.tags[OwnershipTags.uid] = uid
            planned.rendered = rendered
        }
        // The same ownership rules, and the same in-place target for an adopted role, as a reconcile.
        let decision = OwnershipCheck.decide(
            observed: observed, owner: rendered.owner, adoptionPolicy: settings.adoptionPolicy,
            adoptableRoleNames: settings.adoptableRoleNames,
            namedInSpec: !RoleNaming.isDerivedName(rendered.role.name, for: rendered.owner))
        var desired = rendered.role
        if let observed, RoleAdoption.keepsItsPath(observed, decision: decision) {
            desired = RoleAdoption.inPlace(desired, keeping: observed)
        }
        let calls = decision.mayWrite ? RolePlanner.plan(desired: desired, observed: observed) : []
        let byName = observed.map(RoleAdoption.isUntagged) ?? false
        let (ownership, message): (String, String?) =
            switch decision {
            case .absent: ("absent", "the role does not exist yet")
            case .owned: ("owned", calls.isEmpty ? "IAM already matches: no write call" : nil)
            case .adoptable where byName:
                ("adoptable", "adoptableRoleNames: the untagged role is adopted in place (same ARN; tagged, trust policy and policies converged)")
            case .adoptable(let previous): ("adoptable", "adoptionPolicy TaggedOnly takes over the role tagged with uid \(previous ?? "none")")
            case .foreign(let why): ("foreign", "RoleConflict: \(why)")
            }
        planned.live = LiveObservation(ownership: ownership, message: message, readCalls: reads, calls: calls)
        return planned
    }
}
