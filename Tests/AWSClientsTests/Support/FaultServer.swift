import AWSClients
import Foundation
import HTTPTransport
import TestSupport
import Testing

/// One scripted answer of the fault-injecting server (`Fixtures/fault_server.py`).
enum FaultStep: Encodable, Sendable {
    /// Answer with this status and body; `dateOffset` shifts the `Date` header by seconds.
    case respond(status: Int, body: String, dateOffset: Int = 0)
    /// Close the connection with a TCP reset instead of answering.
    case reset
    /// Read the request, then say nothing for this many seconds.
    case hang(seconds: Int)

    /// An AWS Query error answer.
    static func awsError(status: Int, code: String, message: String = "scripted", dateOffset: Int = 0) -> FaultStep {
        .respond(
            status: status,
            body: #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>\#(code)</Code><Message>\#(message)</Message></Error><RequestId>req-\#(code)</RequestId></ErrorResponse>"#,
            dateOffset: dateOffset)
    }

    /// A successful GetRole answer for role `name`.
    static func getRole(_ name: String = "scripted") -> FaultStep {
        .respond(status: 200, body: #"<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path><RoleName>\#(name)</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::123456789012:role/\#(name)</Arn><CreateDate>2026-11-29T13:44:39.341081Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role></GetRoleResult><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></GetRoleResponse>"#)
    }

    private enum CodingKeys: String, CodingKey { case status, body, date_offset, reset, hang }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .respond(status, body, dateOffset):
            try container.encode(status, forKey: .status)
            try container.encode(body, forKey: .body)
            try container.encode(dateOffset, forKey: .date_offset)
        case .reset:
            try container.encode(true, forKey: .reset)
        case let .hang(seconds):
            try container.encode(seconds, forKey: .hang)
        }
    }
}

/// A request the fault server received.
struct RecordedRequest: Decodable, Sendable {
    let method: String
    let path: String
    /// Header names lowercased.
    let headers: [String: String]
    let body: String
}

/// The fault-injecting loopback server, started per test with its script.
final class FaultServer: Sendable {
    let port: Int
    let baseURL: URL
    private let child: ChildProcess
    private let httpClient: any HTTPClient

    private init(port: Int, baseURL: URL, child: ChildProcess, httpClient: any HTTPClient) {
        self.port = port
        self.baseURL = baseURL
        self.child = child
        self.httpClient = httpClient
    }

    static func start(_ script: [FaultStep], httpClient: any HTTPClient) async throws -> FaultServer {
        let python = try ExecutableSearch.require("python3", install: "install Python 3; the retry tests run a Python fault server")
        let json = String(decoding: try JSONEncoder().encode(script), as: UTF8.self)
        let child = try ChildProcess(
            name: "fault-server", executable: python, arguments: [fixture("fault_server.py"), json],
            capturesStdout: true, holdsStdinOpen: true)
        do {
            let line = try await child.readLine(timeout: .seconds(20))
            guard let port = Int(line.trimmingCharacters(in: .whitespaces)),
                  let url = URL(string: "http://127.0.0.1:\(port)")
            else {
                throw TestSetupError("the fault server printed \(line) instead of its port")
            }
            return FaultServer(port: port, baseURL: url, child: child, httpClient: httpClient)
        } catch {
            await child.stop()
            throw error
        }
    }

    /// Runs `body` with a started server and stops the server afterwards, also when `body` throws.
    static func with<Result>(
        _ script: [FaultStep], httpClient: any HTTPClient = CurlHTTPClient(tls: .system),
        _ body: (FaultServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(script, httpClient: httpClient)
        do {
            let result = try await body(server)
            await server.child.stop()
            return result
        } catch {
            await server.child.stop()
            throw error
        }
    }

    /// `Tests/AWSClientsTests/Fixtures/<name>`.
    private static func fixture(_ name: String, file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    var endpoint: AWSEndpoint { AWSEndpoint(url: baseURL, signingRegion: "us-east-1") }

    /// Every scripted request received so far.
    func requests() async throws -> [RecordedRequest] {
        let url = try #require(URL(string: "/__requests", relativeTo: baseURL)?.absoluteURL)
        let response = try await httpClient.send(HTTPRequest(url: url))
        return try JSONDecoder().decode([RecordedRequest].self, from: response.body)
    }

    func iamClient(retry: RetryStrategy, timeout: Duration = .seconds(10), clock: @escaping @Sendable () -> Date = { Date() }) -> IAMClient {
        IAMClient(
            configuration: AWSClientConfiguration(endpoint: endpoint, timeout: timeout, retry: retry, clock: clock),
            httpClient: httpClient, credentialProvider: StaticCredentialProvider(.testDefault))
    }
}
