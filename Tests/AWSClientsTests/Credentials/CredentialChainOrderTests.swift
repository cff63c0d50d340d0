import AWSSigV4
import Foundation
import HTTPTransport
import Testing
@testable import AWSClients

/// Issue 9, part 5: which provider of the standard chain wins given which environment. The SDKs' order
/// is environment, web identity, shared profile files, container endpoint, instance metadata; the
/// container endpoint and IMDS are a loopback fixture server that records what it was asked.
@Suite struct CredentialChainOrderTests {
    enum Source: String, CaseIterable, Sendable {
        case environment, webIdentity, profile, container, instanceMetadata
    }

    struct Row: CustomTestStringConvertible, Sendable {
        var configured: Set<Source>
        /// The key that must come back; `nil` when the chain must fail with `noCredentials`.
        var winner: Source?
        /// A container URL the SDKs refuse, set in addition (must not matter when an earlier source wins).
        var brokenContainerURL = false
        var testDescription: String {
            "\(configured.map(\.rawValue).sorted())\(brokenContainerURL ? " + refused container URL" : "") -> \(winner?.rawValue ?? "none")"
        }
    }

    static let rows: [Row] = [
        .init(configured: Set(Source.allCases), winner: .environment),
        .init(configured: [.webIdentity, .profile, .container, .instanceMetadata], winner: .webIdentity),
        .init(configured: [.profile, .container, .instanceMetadata], winner: .profile),
        .init(configured: [.container, .instanceMetadata], winner: .container),
        .init(configured: [.instanceMetadata], winner: .instanceMetadata),
        .init(configured: [.environment], winner: .environment, brokenContainerURL: true),
        .init(configured: [.profile], winner: .profile, brokenContainerURL: true),
        .init(configured: [], winner: nil),
    ]

    static let keys: [Source: String] = [
        .environment: "AKIDENV", .webIdentity: "ASIA1", .profile: "AKIDPROFILE",
        .container: "ASIACONTAINER", .instanceMetadata: "ASIAIMDS",
    ]

    @Test(arguments: rows)
    func winner(_ row: Row) async throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let clock = CredentialTestClock()
        let expires = clock.now.addingTimeInterval(3_600)
        // The server answers the way the expected winner asks; a provider asked out of turn gets the
        // wrong answer and the request log below shows it.
        let script: [FaultStep] = switch row.winner {
        case .container: [.respond(status: 200, body: MetadataFixtures.credentials("ASIACONTAINER", expires: expires))]
        case .instanceMetadata: [
            .respond(status: 200, body: "imds-token"), .respond(status: 200, body: "node-role"),
            .respond(status: 200, body: MetadataFixtures.credentials("ASIAIMDS", expires: expires, imds: true)),
        ]
        default: [.respond(status: 500, body: "no provider should have asked")]
        }
        try await FaultServer.with(script) { server in
            var environment = ["HOME": directory.url.path]
            if row.configured.contains(.environment) {
                environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
                environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
            }
            if row.configured.contains(.webIdentity) {
                environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/r"
                environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try directory.write("web-identity-token", "jwt")
            }
            if row.configured.contains(.profile) {
                try directory.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n")
            }
            if row.configured.contains(.container) {
                environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:\(server.port)/container"
                environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "pod-identity"
            } else if row.brokenContainerURL {
                environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://credentials.example.com/container"
            }
            if row.configured.contains(.instanceMetadata) {
                environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
            } else {
                environment["AWS_EC2_METADATA_DISABLED"] = "true"
            }
            let exchanger = RecordingWebIdentityExchanger(clock: clock)
            let chain = CredentialProviderChain.standard(
                webIdentityExchanger: exchanger, metadataHTTPClient: CurlHTTPClient(), environment: environment,
                clock: { clock.now })

            if let winner = row.winner {
                #expect(try await chain.credentials().accessKeyId == Self.keys[winner])
            } else {
                let error = try await #require(throws: CredentialProviderError.self) { try await chain.credentials() }
                guard case .noCredentials(let tried) = error else {
                    Issue.record("expected noCredentials, got \(error)")
                    return
                }
                #expect(tried.map { line in String(line.prefix { $0 != ":" }) } == [
                    "environment", "web identity", "shared profile", "container", "EC2 instance metadata",
                ])
            }
            let requests = try await server.requests().map { "\($0.method) \($0.path)" }
            switch row.winner {
            case .container: #expect(requests == ["GET /container"])
            case .instanceMetadata: #expect(requests == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/node-role",
            ])
            default: #expect(requests.isEmpty)
            }
            #expect(await exchanger.exchanges.count == (row.winner == .webIdentity ? 1 : 0))
        }
    }
}
