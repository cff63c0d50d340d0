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
    /// Whether this process runs in a pod that can use its ServiceAccount: both service
    /// variables are set and the token file exists. Then `ConfigurationSource.select` prefers
    /// the in-cluster settings to `KUBECONFIG`.
    public static func isAvailable(environment: ConfigurationEnvironment, paths: InClusterPaths = .standard) -> Bool {
        reasonNotInPod(environment: environment, paths: paths) == nil
    }

    /// Why `isAvailable` is false, for the list of places tried; nil when it is true.
    static func reasonNotInPod(environment: ConfigurationEnvironment, paths: InClusterPaths) -> String? {
        let host = environment.variables["KUBERNETES_SERVICE_HOST"] ?? ""
        let port = environment.variables["KUBERNETES_SERVICE_PORT"] ?? ""
        switch (host.isEmpty, port.isEmpty) {
        case (true, true):
            return "not in a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)"
        case (true, false):
            return "not in a pod (KUBERNETES_SERVICE_HOST is not set)"
        case (false, true):
            return "not in a pod (KUBERNETES_SERVICE_PORT is not set)"
        case (false, false):
            guard environment.fileExists(paths.token) else {
                return "KUBERNETES_SERVICE_HOST/PORT are set, but the ServiceAccount token \(paths.token) does not exist"
                    + " (automountServiceAccountToken: false?)"
            }
            return nil
        }
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
