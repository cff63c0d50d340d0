import Foundation
import HTTPTransport
import KubeModels
import Synchronization
import Testing

@testable import KubeClient

@Suite("API errors as values")
struct APIErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var code: Int
        var body: String
        var headers: [String: String] = [:]
        var category: KubeAPIError.Category
        var reason: String?
        var retryAfter: Duration? = nil
        var causeFields: [String] = []
        var testDescription: String { "\(code) \(reason ?? "-") → \(category)" }
    }

    static func status(_ code: Int, _ reason: String, details: String = "null") -> String {
        #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"m-\#(reason)","reason":"\#(reason)","details":\#(details),"code":\#(code)}"#
    }

    static let cases: [Case] = [
        Case(code: 404, body: status(404, "NotFound", details: #"{"name":"w","kind":"widgets"}"#), category: .notFound, reason: "NotFound"),
        Case(code: 409, body: status(409, "AlreadyExists"), category: .alreadyExists, reason: "AlreadyExists"),
        Case(code: 409, body: status(409, "Conflict"), category: .conflict, reason: "Conflict"),
        Case(code: 410, body: status(410, "Expired"), category: .gone, reason: "Expired"),
        Case(
            code: 422,
            body: status(422, "Invalid", details: #"{"causes":[{"reason":"FieldValueInvalid","message":"must be <= 43200","field":"spec.role.maxSessionDurationSeconds"},{"reason":"FieldValueRequired","field":"spec.audience"}]}"#),
            category: .invalid, reason: "Invalid", causeFields: ["spec.role.maxSessionDurationSeconds", "spec.audience"]),
        Case(code: 429, body: status(429, "TooManyRequests"), headers: ["Retry-After": "7"], category: .tooManyRequests,
            reason: "TooManyRequests", retryAfter: .seconds(7)),
        Case(code: 429, body: status(429, "TooManyRequests", details: #"{"retryAfterSeconds":3}"#), category: .tooManyRequests,
            reason: "TooManyRequests", retryAfter: .seconds(3)),
        Case(code: 500, body: status(500, "InternalError"), category: .serverError, reason: "InternalError"),
        Case(code: 503, body: "upstream connect error", category: .serverError, reason: nil),
        Case(code: 403, body: status(403, "Forbidden"), category: .forbidden, reason: "Forbidden"),
        Case(code: 401, body: status(401, "Unauthorized"), category: .unauthorized, reason: "Unauthorized"),
    ]

    @Test(arguments: cases)
    func classifies(_ testCase: Case) async throws {
        let (client, _) = fakeClient { _, _ in
            .response(.json(testCase.code, testCase.body, headers: HTTPHeaders(testCase.headers.map { ($0.key, $0.value) })))
        }
        let error = await #expect(throws: KubeAPIError.self) { try await client.get(Widget.self, namespace: "ns", name: "w") }
        guard let error else { return }
        #expect(error.code == testCase.code)
        #expect(error.category == testCase.category)
        #expect(error.reason == testCase.reason)
        #expect(error.retryAfter == testCase.retryAfter)
        #expect(error.causes.compactMap(\.field) == testCase.causeFields)
        #expect(error.message.isEmpty == false)
        if testCase.reason == nil { #expect(error.message == testCase.body) }
        for field in testCase.causeFields { #expect(error.description.contains(field)) }
    }

    @Test func undecodableSuccessBodyNamesTheType() async throws {
        let (client, _) = fakeClient { _, _ in .response(.json(200, #"{"metadata":{"name":"w"}}"#)) }
        let error = await #expect(throws: KubeClientError.self) { try await client.get(Widget.self, namespace: "ns", name: "w") }
        guard case .undecodableResponse(let type, _, let body)? = error else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(type == "Widget")
        #expect(body.contains("metadata"))
    }

    @Test func transportErrorsPassThrough() async throws {
        let (client, _) = fakeClient { _, _ in .failure(.connectionRefused("127.0.0.1:1")) }
        await #expect(throws: HTTPTransportError.connectionRefused("127.0.0.1:1")) {
            try await client.get(Widget.self, namespace: "ns", name: "w")
        }
    }
}

@Suite("401: refresh credentials and retry once")
struct UnauthorizedRetryTests {
    static let ok = #"{"metadata":{"name":"sa","namespace":"ns"}}"#

    @Test func tokenFileIsReReadAfter401() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tokenPath = try dir.write("token", "old")
        let http = FakeHTTPClient { request, _ in
            request.headers["Authorization"] == "Bearer new" ? .response(.json(200, Self.ok)) : .response(.json(401, APIErrorTests.status(401, "Unauthorized")))
        }
        let configuration = KubeConfiguration(server: URL(string: "https://h")!, authentication: .tokenFile(tokenPath))
        let client = KubernetesClient(configuration: configuration, makeHTTPClient: { _ in http })
        await #expect(throws: KubeAPIError.self) { try await client.get(ServiceAccount.self, namespace: "ns", name: "sa") }
        #expect(http.requests.count == 2, "one retry after the 401, with the re-read (still old) token")
        try dir.write("token", "new")  // rotation
        let account = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        #expect(account.metadata.name == "sa")
        #expect(http.requests.map { $0.headers["Authorization"] ?? "" } == ["Bearer old", "Bearer old", "Bearer old", "Bearer new"])
    }

    @Test func staticTokenIsNotRetried() async throws {
        let (client, http) = fakeClient { _, _ in .response(.json(401, APIErrorTests.status(401, "Unauthorized"))) }
        let error = await #expect(throws: KubeAPIError.self) { try await client.get(ServiceAccount.self, namespace: "ns", name: "sa") }
        #expect(error?.category == .unauthorized)
        #expect(http.requests.count == 1)
    }

    /// Counts plugin runs and hands out `token-N`.
    final class CountingRunner: CommandRunner {
        let runs = Mutex(0)
        func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult {
            let n = runs.withLock { count in
                count += 1
                return count
            }
            let json = #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-\#(n)"}}"#
            return CommandResult(exitCode: 0, standardOutput: Data(json.utf8), standardError: Data())
        }
    }

    @Test func execPluginIsRerunAfter401() async throws {
        let http = FakeHTTPClient { request, _ in
            request.headers["Authorization"] == "Bearer token-1"
                ? .response(.json(401, APIErrorTests.status(401, "Unauthorized"))) : .response(.json(200, Self.ok))
        }
        let exec = ExecConfiguration(command: "/bin/true", apiVersion: .v1)
        let configuration = KubeConfiguration(server: URL(string: "https://h")!, authentication: .exec(exec))
        let runner = CountingRunner()
        let provider = ExecCredentialProvider(configuration: exec, cluster: configuration, runner: runner)
        let client = KubernetesClient(configuration: configuration, credentials: provider, makeHTTPClient: { _ in http })
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        #expect(runner.runs.withLock { $0 } == 2, "run once, re-run after the 401, then cached (no expiry)")
        #expect(http.requests.map { $0.headers["Authorization"] ?? "" } == ["Bearer token-1", "Bearer token-2", "Bearer token-2"])
    }

    @Test func execClientCertificateSelectsTheTransportTLS() async throws {
        final class CertRunner: CommandRunner {
            func run(executable: String, arguments: [String], environment: [String: String]) async throws -> CommandResult {
                let json = #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}"#
                return CommandResult(exitCode: 0, standardOutput: Data(json.utf8), standardError: Data())
            }
        }
        let seen = Mutex<[TLSConfiguration]>([])
        let http = FakeHTTPClient { _, _ in .response(.json(200, Self.ok)) }
        let exec = ExecConfiguration(command: "/bin/true", apiVersion: .v1)
        let configuration = KubeConfiguration(
            server: URL(string: "https://h")!, tls: TLSConfiguration(certificateAuthority: .pem(Data("CA".utf8))),
            authentication: .exec(exec))
        let provider = ExecCredentialProvider(configuration: exec, cluster: configuration, runner: CertRunner())
        let client = KubernetesClient(configuration: configuration, credentials: provider, makeHTTPClient: { tls in
            seen.withLock { $0.append(tls) }
            return http
        })
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        _ = try await client.get(ServiceAccount.self, namespace: "ns", name: "sa")
        #expect(seen.withLock { $0 } == [
            TLSConfiguration(certificateAuthority: .pem(Data("CA".utf8)), clientCertificate: .pem(Data("CERT".utf8)), clientKey: .pem(Data("KEY".utf8)))
        ])
        #expect(http.requests.allSatisfy { $0.headers["Authorization"] == nil })
    }
}
