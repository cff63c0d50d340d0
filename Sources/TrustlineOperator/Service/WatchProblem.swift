import HTTPTransport
import KubeClient
import KubeModels

/// Why the list and watch of one kind cannot run right now, in the terms an operator's user acts
/// on. A 404 on a custom resource means its CustomResourceDefinition is not installed (or not
/// yet established: `kubectl apply -k` creates it and the Deployment together); a 403 means RBAC
/// denies a verb, which the API server's message names. Both are waited out rather than fatal,
/// so a pod does not crash-loop with a cryptic message and picks up the fix by itself.
enum WatchProblem: Sendable, Equatable {
    /// The API server does not serve the kind: its CRD is missing or not established yet.
    case kindNotServed(detail: String)
    /// RBAC denies listing or watching; `detail` is the API server's message (verb, resource, user).
    case forbidden(detail: String)
    /// The credentials were refused (an expired or revoked token).
    case unauthorized(detail: String)
    /// Anything else: the error as it was.
    case other(detail: String)

    /// The problem an error of the event source for `kind` reports; nil for cancellation, which
    /// is the operator stopping and no problem at all.
    static func classify(_ error: any Error, kind: ResourceDescriptor) -> WatchProblem? {
        if error is CancellationError { return nil }
        if case .cancelled? = error as? HTTPTransportError { return nil }
        guard let error = error as? KubeAPIError else { return .other(detail: "\(error)") }
        switch error.category {
        case .notFound where !kind.group.isEmpty:
            return .kindNotServed(detail: error.message)
        case .forbidden:
            return .forbidden(detail: error.message)
        case .unauthorized:
            return .unauthorized(detail: error.message)
        default:
            return .other(detail: "\(error)")
        }
    }

    /// Same kind of problem (details such as a request id may differ between attempts).
    func isSameKind(as other: WatchProblem) -> Bool {
        switch (self, other) {
        case (.kindNotServed, .kindNotServed), (.forbidden, .forbidden), (.unauthorized, .unauthorized), (.other, .other): return true
        default: return false
        }
    }

    /// What to log and report on `/readyz`: what is wrong with `kind` and what to do about it.
    func message(kind: ResourceDescriptor, namespace: String?) -> String {
        let scope = namespace.map { "in namespace \($0)" } ?? "in all namespaces"
        let what = "\(kind.plural)\(kind.group.isEmpty ? "" : ".\(kind.group)")"
        switch self {
        case .kindNotServed(let detail):
            return "the CustomResourceDefinition \(what) is not installed (or not yet established): listing \(kind.apiVersion) \(kind.plural) \(scope) "
                + "answered 404 (\(detail)); install it with `kubectl apply -k config/default` or `kubectl apply -f crds/`. "
                + "The operator keeps retrying and starts reconciling by itself once the CRD is served"
        case .forbidden(let detail):
            return "not allowed to list and watch \(what) \(scope): \(detail); grant the operator's ServiceAccount list and watch "
                + "on \(what) (the ClusterRole of config/default does). The operator keeps retrying"
        case .unauthorized(let detail):
            return "the API server refused the operator's credentials while listing \(what) \(scope): \(detail); "
                + "check the kubeconfig or the mounted ServiceAccount token. The operator keeps retrying"
        case .other(let detail):
            return "cannot list and watch \(what) \(scope): \(detail). The operator keeps retrying"
        }
    }
}
