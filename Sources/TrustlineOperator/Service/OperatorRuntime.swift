import Logging
import ServiceLifecycle
import TrustlineCore

/// The whole `trustline run` process: the metrics and health endpoints and the operator, in one
/// `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT. Services stop in reverse
/// order, so the operator drains and releases its lease while the probes still answer.
public enum OperatorRuntime {
    public static func run(settings: OperatorSettings, options: OperatorRuntimeOptions, logger: Logger) async throws {
        let metrics = OperatorMetrics()
        let health = OperatorHealth()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let address = options.metricsBindAddress {
            services.append(.init(service: HTTPEndpoints.metrics(host: address.host, port: address.port, metrics: metrics, logger: logger), serviceName: "metrics"))
        }
        if let address = options.healthProbeBindAddress {
            services.append(.init(service: HTTPEndpoints.health(host: address.host, port: address.port, health: health, logger: logger), serviceName: "health"))
        }
        services.append(
            .init(
                service: OperatorService(settings: settings, options: options, metrics: metrics, health: health, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup,
                serviceName: "operator"))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.cancellationSignals = []
        try await ServiceGroup(configuration: configuration).run()
    }
}
