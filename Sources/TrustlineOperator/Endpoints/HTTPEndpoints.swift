import Logging
import ServiceLifecycle

/// The operator's two small HTTP servers, as swift-service-lifecycle services: `/metrics` on
/// `--metrics-bind-address` and `/healthz`, `/readyz` on `--health-probe-bind-address`. Each logs
/// the port it bound (`127.0.0.1:0` picks a free one) so tests and the demo can find it.
public enum HTTPEndpoints {
    /// `/metrics` in Prometheus text format.
    public static func metrics(host: String, port: Int, metrics: OperatorMetrics, logger: Logger) -> some Service {
        EndpointHTTPService(name: "metrics", host: host, port: port, routes: metricsRoutes(metrics), setting: "metricsBindAddress", logger: logger)
    }

    /// `/healthz` (liveness) and `/readyz` (readiness).
    public static func health(host: String, port: Int, health: OperatorHealth, logger: Logger) -> some Service {
        EndpointHTTPService(name: "health", host: host, port: port, routes: healthRoutes(health), setting: "healthProbeBindAddress", logger: logger)
    }

    static func metricsRoutes(_ metrics: OperatorMetrics) -> EndpointRoutes {
        EndpointRoutes([
            "/metrics": { EndpointResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition()) }
        ])
    }

    static func healthRoutes(_ health: OperatorHealth) -> EndpointRoutes {
        EndpointRoutes([
            "/healthz": {
                if let problem = health.problem { return EndpointResponse(status: 500, body: "unhealthy: \(problem)\n") }
                return EndpointResponse(status: 200, body: "ok\n")
            },
            "/readyz": {
                if health.isReady { return EndpointResponse(status: 200, body: "ok\n") }
                return EndpointResponse(status: 503, body: (["not ready"] + health.notReadyReasons).joined(separator: "\n") + "\n")
            },
        ])
    }
}
