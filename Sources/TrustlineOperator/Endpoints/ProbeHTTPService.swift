import Logging
import ServiceLifecycle

/// One probe or metrics endpoint as a swift-service-lifecycle service: serves `routes` on
/// `host:port` from `run()` until graceful shutdown or cancellation, then returns once the port
/// is closed and every connection has ended. A bind failure makes `run()` throw, naming the address.
struct ProbeHTTPService: Service {
    /// `metrics` or `health`: in the log line, the errors and thread names.
    let name: String
    let host: String
    let port: Int
    let routes: ProbeRoutes
    /// The camelCase setting the address came from (`metricsBindAddress`), named in a bind
    /// failure as flag and environment variable; nil when it came from elsewhere (tests).
    var setting: String? = nil
    var limits = ProbeHTTPServer.Limits()
    let logger: Logger

    func run() async throws {
        let server = try ProbeHTTPServer(name: name, host: host, port: port, routes: routes, limits: limits)
        let (name, host, logger) = (name, host, logger)
        let advice = setting.map { "; to use another address, set \(ListenAddress.flag(of: $0)) (\(ListenAddress.environmentVariable(of: $0)))" } ?? ""
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                server.start(
                    onListening: { bound in
                        logger.info("\(name) endpoint listening", metadata: ["endpoint": "\(name)", "address": "\(host):\(bound)", "port": "\(bound)"])
                    },
                    onEnd: { outcome in
                        continuation.resume(with: outcome.mapError { ProbeHTTPServerError(description: $0.description + advice) as any Error })
                    })
            }
        } onCancelOrGracefulShutdown: {
            server.stop()
        }
    }
}
