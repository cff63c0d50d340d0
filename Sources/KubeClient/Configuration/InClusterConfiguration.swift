import Foundation
import HTTPTransport

/// Where a pod finds its ServiceAccount credentials; injectable so tests use a temp directory.
public struct InClusterPaths: Sendable, Equatable {
    public var token: String
    public var certificateAuthority: String
    public var namespace: String

    public init(token: String, certificateAuthority: String, namespace: String) {
        self.token = token
        self.certificateAuthority = certificateAuthority
        self.namespace = namespace
    }

    /// `/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}`.
    public static let standard = InClusterPaths(
        token: "/var/run/secrets/kubernetes.io/serviceaccount/token",
        certificateAuthority: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
        namespace: "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
    )
}

/// The configuration of a process running in a pod: the API server from
/// `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the mounted CA, and the projected
/// ServiceAccount token, which rotates and is therefore re-read (see `TokenFileCredentialProvider`).
public enum InClusterConfiguration {
    public static func isAvailable(environment: ConfigurationEnvironment) -> Bool {
        let host = environment.variables["KUBERNETES_SERVICE_HOST"] ?? ""
        let port = environment.variables["KUBERNETES_SERVICE_PORT"] ?? ""
        return !host.isEmpty && !port.isEmpty
    }

    public static func load(
        environment: ConfigurationEnvironment, paths: InClusterPaths = .standard
    ) throws(KubeconfigError) -> KubeConfiguration {
        guard let host = environment.variables["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment.variables["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeconfigError(
                file: nil, field: "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT",
                problem: "are not set: not running in a pod; pass --kubeconfig")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubeconfigError(file: nil, field: "KUBERNETES_SERVICE_PORT", problem: "\"\(port)\" is not a port number")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(portNumber)") else {
            throw KubeconfigError(file: nil, field: "KUBERNETES_SERVICE_HOST", problem: "\"\(host)\" is not a host name")
        }
        guard environment.fileExists(paths.token) else {
            throw KubeconfigError(
                file: paths.token, field: nil,
                problem: "does not exist; mount a ServiceAccount token (automountServiceAccountToken)")
        }
        guard environment.fileExists(paths.certificateAuthority) else {
            throw KubeconfigError(file: paths.certificateAuthority, field: nil, problem: "does not exist")
        }
        var namespace: String?
        if environment.fileExists(paths.namespace), let data = try? environment.readFile(paths.namespace) {
            namespace = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return KubeConfiguration(
            server: server,
            tls: TLSConfiguration(certificateAuthority: .file(paths.certificateAuthority)),
            authentication: .tokenFile(paths.token),
            namespace: namespace,
            origin: "in-cluster"
        )
    }
}
