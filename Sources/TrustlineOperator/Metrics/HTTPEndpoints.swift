import Hummingbird
import Logging
import ServiceLifecycle

/// The operator's two small HTTP servers, as swift-service-lifecycle services: `/metrics` on
/// `--metrics-bind-address` and `/healthz`, `/readyz` on `--health-probe-bind-address`. Each logs
/// the port it bound (`127.0.0.1:0` picks a free one) so tests and the demo can find it.
public enum HTTPEndpoints {
    /// `/metrics` in Prometheus text format.
    public static func metrics(host: String, port: Int, metrics: OperatorMetrics, logger: Logger) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return application(router: router, name: "metrics", host: host, port: port, logger: logger)
    }

    /// `/healthz` (liveness) and `/readyz` (readiness).
    public static func health(host: String, port: Int, health: OperatorHealth, logger: Logger) -> some Service {
        let router = Router()
        router.get("/healthz") { _, _ -> Response in
            if let problem = health.problem {
                return Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "unhealthy: \(problem)\n")))
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ -> Response in
            guard health.isReady else {
                return Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "not ready\n")))
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        return application(router: router, name: "health", host: host, port: port, logger: logger)
    }

    private static func application(router: Router<BasicRequestContext>, name: String, host: String, port: Int, logger: Logger) -> some Service {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("\(name) endpoint listening", metadata: ["endpoint": "\(name)", "address": "\(host):\(bound)", "port": "\(bound)"])
            },
            logger: quiet)
    }
}
