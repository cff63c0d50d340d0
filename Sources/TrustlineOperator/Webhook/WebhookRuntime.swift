import KubeClient
import Logging
import ServiceLifecycle
import TrustlineCore

/// The whole `trustline webhook` process (docs/pod-identity-webhook.md, "The server"): loads the
/// certificate, connects to Kubernetes, resolves the rendering context as `trustline run` does
/// (`EnvironmentResolver`), then runs the caches, the plain probe endpoint and the HTTPS
/// endpoint in one `ServiceGroup`. SIGTERM or SIGINT stops accepting, answers the reviews
/// already read, then stops the caches. Every replica serves; there is no leader election.
public enum WebhookRuntime {
    /// A start-up fact missing; the message says what to set.
    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(settings: OperatorSettings, options: WebhookRuntimeOptions, logger: Logger) async throws {
        let certificate: ServingCertificate
        do {
            certificate = try ServingCertificate(directory: options.certDirectory, logger: logger)
        } catch {
            throw StartFailure(description: error.description)
        }
        let kubeConfiguration = try KubeConfiguration.load(kubeconfigPath: options.kubeconfigPath)
        logger.info("connecting to Kubernetes", metadata: ["server": "\(kubeConfiguration.server)", "origin": "\(kubeConfiguration.origin)"])
        let kubernetes = KubernetesClient(configuration: kubeConfiguration, logger: logger)
        let aws = try AWSConnections(environment: options.environment)
        let environment: OperatorEnvironment
        do {
            environment = try await EnvironmentResolver(settings: settings, kubernetes: kubernetes, aws: aws, logger: logger).resolve()
        } catch {
            let advice = settings.awsAccountId == nil
                ? " The webhook derives role ARNs and needs the AWS account: set awsAccountId in the --config file (--aws-account-id, TRUSTLINE_AWS_ACCOUNT_ID), or give it AWS credentials for STS GetCallerIdentity."
                : ""
            throw StartFailure(description: "\(error)\(advice)")
        }
        let configuration = PodIdentityConfiguration(
            settings: settings, context: environment.renderingContext(settings: settings), region: aws.region.flatMap { $0.isEmpty ? nil : $0 })
        let health = OperatorHealth()
        let caches = WebhookCaches(kubernetes: kubernetes, watchNamespaces: settings.watchNamespaces, health: health, logger: logger)
        let webhook = PodIdentityWebhook(caches: caches, configuration: configuration, missRead: ServiceAccountMissRead(kubernetes: kubernetes), logger: logger)
        logger.info(
            "webhook configured",
            metadata: [
                "region": "\(configuration.region ?? "")", "certDir": "\(options.certDirectory)",
                "watchNamespaces": "\(settings.watchNamespaces.isEmpty ? "*" : settings.watchNamespaces.joined(separator: ","))",
            ])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: WebhookCacheService(caches: caches, health: health, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "caches")
        ]
        if let address = options.healthProbeBindAddress {
            services.append(.init(service: HTTPEndpoints.health(host: address.host, port: address.port, health: health, logger: logger), serviceName: "health"))
        }
        var routes = HTTPEndpoints.healthRoutes(health)
        routes.postHandlers["/mutate"] = { request in await webhook.respond(to: request) }
        var limits = EndpointHTTPServer.Limits()
        // The API server keeps several reviews in flight per replica; each holds a thread briefly.
        limits.maximumConnections = 64
        let endpoint = EndpointHTTPService(
            name: "webhook", host: options.bindAddress.host, port: options.bindAddress.port, routes: routes, setting: "bindAddress", limits: limits,
            security: .tls(certificate), drainsOnShutdown: true, logger: logger)
        services.append(.init(service: endpoint, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "webhook"))
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.cancellationSignals = []
        try await ServiceGroup(configuration: group).run()
        logger.info("webhook stopped")
    }
}

/// The webhook's caches as a service: runs until graceful shutdown, marks the process ready once
/// every reflector has listed.
struct WebhookCacheService: Service {
    let caches: WebhookCaches
    let health: OperatorHealth
    let logger: Logger

    func run() async throws {
        let (health, logger) = (health, logger)
        do {
            try await cancelWhenGracefulShutdown {
                try await caches.run {
                    logger.info("webhook caches synced")
                    health.markReady()
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
