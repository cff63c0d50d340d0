import Foundation
import Hummingbird

/// The fault injector over HTTP, for scripts that run the `kube-test-server` binary instead of
/// holding the server in process (`scripts/fault-run.sh`). Test-server-only and off unless the
/// server starts with `faultControl` (`--fault-control`): otherwise the server knows no such path,
/// as a real API server does not. Only the admin token may use it. Routes:
///
/// - `GET /fault-injection`: what was injected so far (`FaultInjector.injectedCounts`), as JSON.
/// - `POST /fault-injection/drop-watches`: closes every open watch.
/// - `POST /fault-injection/gone-watches?count=N[&style=errorEvent|httpStatus]`
/// - `POST /fault-injection/fail-requests?count=N&status=S[&method=M][&pathPrefix=P][&pathSuffix=X][&retryAfterSeconds=R]`
/// - `POST /fault-injection/reset`: every fault off (the counts stay).
struct FaultControl: Sendable {
    static let path = "/fault-injection"
    let faults: FaultInjector

    static func handles(_ path: String) -> Bool {
        path == Self.path || path.hasPrefix(Self.path + "/")
    }

    func respond(to exchange: HTTPExchange, user: AuthenticatedUser) -> Response {
        guard user == .admin else {
            return Reply.error(APIError(code: 403, reason: "Forbidden", message: "\(Self.path) is for the server's admin token only"))
        }
        do {
            return try route(exchange)
        } catch let error as APIError {
            return Reply.error(error)
        } catch {
            return Reply.error(.badRequest("\(error)"))
        }
    }

    private func route(_ exchange: HTTPExchange) throws -> Response {
        let command = String(exchange.path.dropFirst(Self.path.count))
        if command.isEmpty || command == "/" {
            guard exchange.method == "GET" else { throw APIError.methodNotAllowed(exchange.method) }
            return counts()
        }
        guard exchange.method == "POST" else { throw APIError.methodNotAllowed(exchange.method) }
        switch command {
        case "/drop-watches":
            faults.dropAllWatches()
        case "/gone-watches":
            let style: FaultInjector.GoneStyle
            switch exchange.query["style"] ?? "errorEvent" {
            case "errorEvent": style = .errorEvent
            case "httpStatus": style = .httpStatus
            case let other: throw APIError.badRequest("style must be errorEvent or httpStatus, got \(other)")
            }
            faults.failNextWatchesWithGone(try positive("count", exchange), style: style)
        case "/fail-requests":
            let status = try positive("status", exchange)
            guard (400...599).contains(status) else { throw APIError.badRequest("status must be an HTTP error code (400-599), got \(status)") }
            faults.failNextRequests(
                try positive("count", exchange), status: status, method: exchange.query["method"],
                pathPrefix: exchange.query["pathPrefix"], pathSuffix: exchange.query["pathSuffix"],
                retryAfterSeconds: try exchange.query["retryAfterSeconds"].map { _ in try positive("retryAfterSeconds", exchange) })
        case "/reset":
            faults.reset()
        default:
            throw APIError.badRequest(
                "unknown fault command \(command); use drop-watches, gone-watches, fail-requests or reset (POST), or GET \(Self.path)")
        }
        return counts()
    }

    private func counts() -> Response {
        Reply.json(.object(faults.injectedCounts.mapValues { .int(Int64($0)) }))
    }

    /// The query parameter `name` as a positive integer, or a 400 naming it.
    private func positive(_ name: String, _ exchange: HTTPExchange) throws -> Int {
        guard let text = exchange.query[name] else { throw APIError.badRequest("query parameter \(name) is required") }
        guard let value = Int(text), value > 0 else { throw APIError.badRequest("query parameter \(name) must be a positive integer, got \(text)") }
        return value
    }
}
