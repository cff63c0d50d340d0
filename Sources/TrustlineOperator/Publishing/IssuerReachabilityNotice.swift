import KubeModels
import Synchronization
import TrustlineCore

/// Tells users, on each resource, that the cluster's issuer cannot be used by real AWS STS
/// (docs/design.md section 11): a loopback, private or cluster-internal issuer lets the operator
/// create roles, yet no pod can ever assume them. One Warning event `IssuerUnreachable` per
/// resource (by uid) per operator run, when the resource converges, and a sentence for the Ready
/// message, so `Ready=True` never reads as "pods can assume this role" on such a cluster.
/// Silent for an issuer STS can reach.
final class IssuerReachabilityNotice: Sendable {
    static let reason = "IssuerUnreachable"

    /// Why STS cannot reach the issuer; nil when it can.
    let unreachableReason: String?
    private let warned = Mutex<Set<String>>([])

    init(issuer: String) {
        if case .unreachable(let reason) = IssuerReachability.classify(issuer) {
            unreachableReason = reason
        } else {
            unreachableReason = nil
        }
    }

    /// Appended to the Ready message of a converged resource; empty for a reachable issuer.
    var readyMessageSuffix: String {
        guard let unreachableReason else { return "" }
        return "; but the cluster's OIDC issuer cannot be used by AWS STS (\(unreachableReason)), so no pod can assume the role with real STS"
    }

    /// Records the Warning event about `resource` unless this run already did (or the issuer is
    /// reachable).
    func warnOnce(about resource: WorkloadAwsAccess, events: any EventRecorder) async {
        guard let unreachableReason else { return }
        let key = resource.metadata.uid ?? "\(resource.namespace)/\(resource.name)"
        let first = warned.withLock { $0.insert(key).inserted }
        guard first else { return }
        await events.record(
            .warning(
                Self.reason,
                "the cluster's OIDC issuer cannot be used by AWS STS: \(unreachableReason). The role exists, but AssumeRoleWithWebIdentity will refuse this cluster's tokens until the API server's --service-account-issuer is a public HTTPS URL (oidcPublishBucket publishes one to S3)"),
            regarding: ObjectReference(to: resource))
    }
}
