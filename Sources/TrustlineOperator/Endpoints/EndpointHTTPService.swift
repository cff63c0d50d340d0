import Logging
import ServiceLifecycle

/// One HTTP endpoint (probes, metrics, the webhook) as a swift-service-lifecycle service: serves `routes` on
/// `host:port` from `run()` until graceful shutdown or cancellation, then returns once the port
/// is closed and every connection has ended. A bind failure makes `run()` throw, naming the address.
struct EndpointHTTPService: Service {
    /// `metrics`, `health` or `webhook`: in the log line, the errors and thread names.
    let name: String
    let host: String
    let port: Int
    let routes: EndpointRoutes
    /// The camelCase setting the address came from (`metricsBindAddress`), named in a bind
    /// failure as flag and environment variable; nil when it came from elsewhere (tests).
    var setting: String? = nil
    var limits = EndpointHTTPServer.Limits()
    var security = EndpointSecurity.plain
    /// On graceful shutdown, stop accepting but answer the requests already read (the webhook:
    /// the API server is waiting for them); otherwise drop them at once. Cancellation always drops.
    var drainsOnShutdown = false
    let logger: Logger

    func run() async throws {
        let server = try EndpointHTTPServer(name: name, host: host, port: port, routes: routes, limits: limits, security: security)
        let (name, host, logger) = (name, host, logger)
        let advice = setting.map { "; to use another address, set \(ListenAddress.flag(of: $0)) (\(ListenAddress.environmentVariable(of: $0)))" } ?? ""
        let drains = drainsOnShutdown
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    server.start(
                        onListening: { bound in
                            logger.info("\(name) endpoint listening", metadata: ["endpoint": "\(name)", "address": "\(host):\(bound)", "port": "\(bound)"])
                        },
                        onEnd: { outcome in
                            continuation.resume(with: outcome.mapError { EndpointHTTPServerError(description: $0.description + advice) as any Error })
                        })
                }
            } onGracefulShutdown: {
                if drains { server.drain() } else { server.stop() }
            }
        } onCancel: {
            server.stop()
        }
    }
}
