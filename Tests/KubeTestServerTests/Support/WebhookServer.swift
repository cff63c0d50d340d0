import Foundation
import Hummingbird
import HummingbirdTLS
import Synchronization
@testable import KubeTestServer

/// A mutating admission webhook for tests: HTTPS on 127.0.0.1 with a serving certificate from
/// its own CA (`CertificateAuthority`, SAN 127.0.0.1), answering each AdmissionReview with
/// `answer` and keeping every review it received.
final class WebhookServer: Sendable {
    typealias Answer = @Sendable (_ review: JSONValue) -> (status: Int, body: Data)

    /// The reviews received, shared with the request handler.
    final class ReviewLog: Sendable {
        let reviews = Mutex<[JSONValue]>([])
    }

    let port: Int
    let caPEM: String
    private let log: ReviewLog
    private let task: Task<Void, any Error>

    var url: String { "https://127.0.0.1:\(port)/mutate" }
    var caBundle: String { Data(caPEM.utf8).base64EncodedString() }
    var reviews: [JSONValue] { log.reviews.withLock { $0 } }

    private init(port: Int, caPEM: String, log: ReviewLog, task: Task<Void, any Error>) {
        self.port = port
        self.caPEM = caPEM
        self.log = log
        self.task = task
    }

    static func start(_ answer: @escaping Answer) async throws -> WebhookServer {
        let authority = try CertificateAuthority.generate()
        let (started, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let log = ReviewLog()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                var request = request
                let buffer = try await request.collectBody(upTo: 4 << 20)
                let review = (try? JSONValue.parse(Data(buffer.readableBytesView))) ?? .null
                log.reviews.withLock { $0.append(review) }
                let (status, body) = answer(review)
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                return Response(
                    status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            },
            server: try .tls(.http1(), tlsConfiguration: authority.tlsConfiguration()),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? 0)) })
        let task = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                continuation.yield(.failure(error))
                throw error
            }
        }
        var port = 0
        for await outcome in started {
            port = try outcome.get()
            break
        }
        return WebhookServer(port: port, caPEM: authority.caPEM, log: log, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Starts a webhook, runs `body`, and always stops the webhook.
    static func with<T: Sendable>(_ answer: @escaping Answer, _ body: (WebhookServer) async throws -> T) async throws -> T {
        let server = try await start(answer)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    // MARK: Answers

    /// The AdmissionReview answer a webhook sends: the request's uid unless told otherwise.
    static func review(for request: JSONValue, allowed: Bool = true, patch: JSONValue? = nil, uid: String? = nil, status: JSONValue? = nil)
        -> Data
    {
        var response: JSONValue = [
            "uid": .string(uid ?? request[path: ["request", "uid"]]?.stringValue ?? ""), "allowed": .bool(allowed),
        ]
        if let patch {
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(patch.serialized().base64EncodedString())
        }
        if let status { response["status"] = status }
        return JSONValue.object(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response]).serialized()
    }

    /// Always answers with these patch operations (built from the request each time).
    static func patching(_ operations: @escaping @Sendable (JSONValue) -> JSONValue) -> Answer {
        { request in (200, review(for: request, patch: operations(request))) }
    }

    static let allowing: Answer = { request in (200, review(for: request)) }
}
