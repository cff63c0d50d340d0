import Foundation
import HTTPTransport
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one of the operator's HTTP endpoint services on 127.0.0.1 port 0 for the length of a
/// test body, finding the bound port from the endpoint's "listening" log line, and always shuts
/// the server down (graceful shutdown, then waits for it), also when the body throws.
enum RunningEndpoint {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func with<Result: Sendable>(
        _ makeService: (_ logger: Logger) -> some Service,
        _ body: (_ baseURL: URL) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "trustline.test.endpoint") { _ in PortCapturingLogHandler(continuation: portContinuation) }
        let service = makeService(logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [service], logger: Logger(label: "trustline.test.group") { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                try await group.run()
            }
            let timeout = Task {
                try? await Task.sleep(for: .seconds(60))
                portContinuation.finish()
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                var port: Int?
                for await bound in ports {
                    port = bound
                    break
                }
                timeout.cancel()
                guard let port, let url = URL(string: "http://127.0.0.1:\(port)") else {
                    throw Failure(description: "the endpoint did not log a bound port within 15 s")
                }
                outcome = .success(try await body(url))
            } catch {
                outcome = .failure(error)
            }
            timeout.cancel()
            await group.triggerGracefulShutdown()
            var serverError: (any Error)?
            while let next = await tasks.nextResult() {
                if case .failure(let error) = next, !(error is CancellationError), serverError == nil {
                    serverError = error
                }
            }
            // A server that failed (could not bind, crashed) explains any failure of the body.
            if let serverError { throw serverError }
            return try outcome.get()
        }
    }

    /// GET `path` through the project's libcurl client.
    static func get(_ base: URL, _ path: String) async throws -> HTTPResponse {
        try await CurlHTTPClient().send(HTTPRequest(url: base.appending(path: path), timeout: .seconds(60)))
    }
}

/// Passes the `port` of an endpoint's "... endpoint listening" line to a continuation.
private struct PortCapturingLogHandler: LogHandler {
    let continuation: AsyncStream<Int>.Continuation
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard "\(event.message)".hasSuffix("endpoint listening"), let port = event.metadata?["port"].flatMap({ Int("\($0)") }) else { return }
        continuation.yield(port)
    }
}
