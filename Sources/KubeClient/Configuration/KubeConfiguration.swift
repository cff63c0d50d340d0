import Foundation
import HTTPTransport

/// Where the API server is and how to prove who we are: the result of loading a kubeconfig or
/// the in-cluster settings, and all a `KubernetesClient` needs to connect.
public struct KubeConfiguration: Sendable, Equatable {
    public var server: URL
    /// CA, client certificate and key, and `insecure-skip-tls-verify` (only when the config set it).
    public var tls: TLSConfiguration
    public var authentication: Authentication
    /// The context's namespace, or the pod's namespace in-cluster.
    public var namespace: String?
    /// Where this came from, for logs and errors: `kubeconfig /path (context ctx)` or `in-cluster`.
    public var origin: String

    public init(
        server: URL,
        tls: TLSConfiguration = .system,
        authentication: Authentication = .none,
        namespace: String? = nil,
        origin: String = "explicit"
    ) {
        self.server = server
        self.tls = tls
        self.authentication = authentication
        self.namespace = namespace
        self.origin = origin
    }

    /// Loads the configuration from the source `ConfigurationSource.select` picks: an explicit
    /// `kubeconfigPath` always (even in a pod); else, in a pod, the in-cluster settings (ahead of
    /// `KUBECONFIG`); else the files `KUBECONFIG` lists; else `~/.kube/config`. `context` names a
    /// kubeconfig context (default: `current-context`); requesting one skips the in-cluster
    /// settings. Throws `ConfigurationNotFoundError` (listing what was tried) when there is no
    /// source, `KubeconfigError` when the chosen one is unusable.
    public static func load(
        kubeconfigPath: String? = nil,
        context: String? = nil,
        environment: ConfigurationEnvironment = .process,
        inClusterPaths: InClusterPaths = .standard
    ) throws -> KubeConfiguration {
        let source = try ConfigurationSource.select(
            kubeconfigPath: kubeconfigPath, context: context, environment: environment, inClusterPaths: inClusterPaths)
        let loader = KubeconfigLoader(environment: environment)
        switch source {
        case .explicitFile(let path):
            guard environment.fileExists(path) else {
                throw KubeconfigError(
                    file: path, field: nil,
                    problem: "does not exist; it was named explicitly (--kubeconfig), which takes precedence over the"
                        + " in-cluster settings, KUBECONFIG and ~/.kube/config")
            }
            return try loader.load(files: [path], context: context)
        case .inCluster(let paths):
            return try InClusterConfiguration.load(environment: environment, paths: paths)
        case .environmentFiles(let files):
            return try loader.load(files: files, context: context)
        case .homeFile(let path):
            return try loader.load(files: [path], context: context)
        }
    }
}

/// How requests authenticate beyond a client certificate (which lives in `tls`).
public enum Authentication: Sendable, Equatable {
    case none
    /// A fixed bearer token (`users[].user.token`).
    case bearerToken(String)
    /// A token file re-read at least every minute and after a 401 (`tokenFile`, in-cluster token).
    case tokenFile(String)
    /// HTTP basic auth (`username`/`password`), for old test clusters.
    case basic(username: String, password: String)
    /// A credential plugin run on demand (`users[].user.exec`).
    case exec(ExecConfiguration)
}

/// A kubeconfig `exec` credential plugin: the command to run and how to talk to it.
public struct ExecConfiguration: Sendable, Equatable {
    /// `client.authentication.k8s.io/v1` or `/v1beta1`.
    public enum APIVersion: String, Sendable, Equatable, CaseIterable {
        case v1 = "client.authentication.k8s.io/v1"
        case v1beta1 = "client.authentication.k8s.io/v1beta1"
    }

    /// One `env` entry of the plugin.
    public struct EnvironmentVariable: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Resolved command: absolute when the kubeconfig gave a path, else a name looked up in `PATH`.
    public var command: String
    public var arguments: [String]
    public var environment: [EnvironmentVariable]
    public var apiVersion: APIVersion
    public var installHint: String?
    /// Whether `KUBERNETES_EXEC_INFO` carries the cluster (server, CA).
    public var provideClusterInfo: Bool
    /// The kubeconfig `users[].name` this plugin supplies credentials for; errors name it.
    public var user: String?

    public init(
        command: String,
        arguments: [String] = [],
        environment: [EnvironmentVariable] = [],
        apiVersion: APIVersion = .v1,
        installHint: String? = nil,
        provideClusterInfo: Bool = false,
        user: String? = nil
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.user = user
    }
}
