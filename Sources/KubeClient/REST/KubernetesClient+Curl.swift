import HTTPTransport
import Logging

extension KubernetesClient {
    /// A client over libcurl (`CurlHTTPClient`), the production transport: one curl client per
    /// TLS configuration, reused across requests for connection reuse.
    public init(
        configuration: KubeConfiguration,
        credentials: (any CredentialProvider)? = nil,
        logger: Logger = Logger(label: "trustline.kubeclient")
    ) {
        self.init(configuration: configuration, credentials: credentials, logger: logger) { tls in
            CurlHTTPClient(tls: tls)
        }
    }

    /// Loads the configuration (see `KubeConfiguration.load`) and builds a libcurl client.
    public static func load(
        kubeconfigPath: String? = nil, context: String? = nil, logger: Logger = Logger(label: "trustline.kubeclient")
    ) throws -> KubernetesClient {
        KubernetesClient(configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfigPath, context: context), logger: logger)
    }
}
