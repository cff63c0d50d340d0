import ControllerRuntime
import Foundation

/// How the operator process runs, beyond the settings of docs/design.md section 3: where the API server
/// is, where metrics and health probes listen, and whether it campaigns for leadership. Filled
/// in by `trustline run` from its flags.
public struct OperatorRuntimeOptions: Sendable {
    /// Explicit kubeconfig, used even in a pod; nil: in-cluster in a pod, else `KUBECONFIG`, else `~/.kube/config`.
    public var kubeconfigPath: String?
    /// Where `/metrics` is served; nil disables it.
    public var metricsBindAddress: ListenAddress?
    /// Where `/healthz` and `/readyz` are served; nil disables them.
    public var healthProbeBindAddress: ListenAddress?
    /// Leader election on a Lease; nil runs without it (a single replica).
    public var leaderElection: LeaderElectionOptions?
    /// The process environment: AWS credentials, endpoints and region are read from it.
    public var environment: [String: String]

    public init(
        kubeconfigPath: String? = nil,
        metricsBindAddress: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 8080),
        healthProbeBindAddress: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 8081),
        leaderElection: LeaderElectionOptions? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.kubeconfigPath = kubeconfigPath
        self.metricsBindAddress = metricsBindAddress
        self.healthProbeBindAddress = healthProbeBindAddress
        self.leaderElection = leaderElection
        self.environment = environment
    }
}

/// Where the leader election Lease lives and who this candidate is.
public struct LeaderElectionOptions: Sendable {
    public static let defaultLeaseName = "trustline-leader"

    public var leaseName: String
    /// The operator's namespace (see `OperatorNamespace`).
    public var namespace: String
    /// Timings and this candidate's identity.
    public var configuration: LeaderElectionConfiguration

    public init(leaseName: String = LeaderElectionOptions.defaultLeaseName, namespace: String, configuration: LeaderElectionConfiguration) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.configuration = configuration
    }

    /// The Lease `trustline-leader` in `namespace`, client-go's timings (15 s lease, 10 s renew
    /// deadline, 2 s retry) and `identity` (default: `defaultIdentity`).
    public init(namespace: String, identity: String = LeaderElectionOptions.defaultIdentity()) throws {
        self.init(namespace: namespace, configuration: try LeaderElectionConfiguration(identity: identity))
    }

    /// A unique identity for this process: the host (pod) name plus a random suffix, so two
    /// processes on one host never share a lease identity.
    public static func defaultIdentity(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let host = environment["POD_NAME"] ?? environment["HOSTNAME"] ?? ProcessInfo.processInfo.hostName
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host.isEmpty ? "trustline" : host)_\(suffix)"
    }
}

/// The namespace the operator itself runs in, where its Lease lives: `TRUSTLINE_NAMESPACE`, else
/// the pod's namespace file, else `default`.
public enum OperatorNamespace {
    public static let namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, namespaceFile: String = OperatorNamespace.namespaceFile
    ) -> String {
        if let explicit = environment["TRUSTLINE_NAMESPACE"]?.trimmingCharacters(in: .whitespacesAndNewlines), !explicit.isEmpty {
            return explicit
        }
        if let data = FileManager.default.contents(atPath: namespaceFile),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        {
            return text
        }
        return "default"
    }
}
