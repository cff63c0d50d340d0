import Foundation

/// How the `trustline webhook` process runs, beyond the settings of docs/design.md section 3:
/// where it serves HTTPS and its probes, where its certificate is, and the API server to read.
/// Filled in by `trustline webhook` from its flags.
public struct WebhookRuntimeOptions: Sendable {
    public static let defaultBindAddress = ListenAddress(host: "0.0.0.0", port: 9443)

    /// Explicit kubeconfig, used even in a pod; nil: in-cluster in a pod, else `KUBECONFIG`, else `~/.kube/config`.
    public var kubeconfigPath: String?
    /// Where HTTPS (`/mutate`, `/healthz`, `/readyz`) is served.
    public var bindAddress: ListenAddress
    /// Holds `tls.crt` and `tls.key` (a cert-manager Secret mounted as a volume).
    public var certDirectory: String
    /// Where plain-HTTP `/healthz` and `/readyz` are served; nil disables them.
    public var healthProbeBindAddress: ListenAddress?
    /// The process environment: AWS credentials (for STS when `awsAccountId` is unset), region
    /// (injected into pods) and endpoints are read from it.
    public var environment: [String: String]

    public init(
        kubeconfigPath: String? = nil, bindAddress: ListenAddress = WebhookRuntimeOptions.defaultBindAddress, certDirectory: String,
        healthProbeBindAddress: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 8081),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.kubeconfigPath = kubeconfigPath
        self.bindAddress = bindAddress
        self.certDirectory = certDirectory
        self.healthProbeBindAddress = healthProbeBindAddress
        self.environment = environment
    }
}
