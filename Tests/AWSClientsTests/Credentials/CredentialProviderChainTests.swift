import AWSSigV4
import Foundation
import HTTPTransport
import Synchronization
import Testing
@testable import AWSClients

@Suite struct CredentialProviderChainTests {
    /// A provider that counts its calls and either answers or says it is not configured.
    final class CountingChainProvider: CredentialProvider {
        let calls = Mutex(0)
        let answer: AWSCredentials?
        init(answer: AWSCredentials?) { self.answer = answer }
        func credentials() throws -> AWSCredentials {
            calls.withLock { $0 += 1 }
            guard let answer else { throw CredentialProviderError.notConfigured(provider: "counting", reason: "empty") }
            return answer
        }
    }

    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]

    static func chain(environment: [String: String], directory: TemporaryCredentialDirectory) -> (
        CredentialProviderChain, RecordingWebIdentityExchanger
    ) {
        let clock = CredentialTestClock()
        let exchanger = RecordingWebIdentityExchanger(clock: clock)
        var environment = environment
        environment["HOME"] = directory.url.path
        // These tests run where no instance metadata service should be asked (CredentialChainOrderTests covers it).
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        return (CredentialProviderChain.standard(
            webIdentityExchanger: exchanger, metadataHTTPClient: CurlHTTPClient(), environment: environment,
            clock: { clock.now }), exchanger)
    }

    @Test func standardOrderIsEnvironmentThenWebIdentityThenProfile() async throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        try directory.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n")
        let tokenPath = try directory.write("token", "jwt")
        let webIdentity = ["AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenPath]

        let (all, allExchanger) = Self.chain(environment: Self.envKeys.merging(webIdentity) { $1 }, directory: directory)
        #expect(try await all.credentials().accessKeyId == "AKIDENV")
        #expect(await allExchanger.exchanges.isEmpty)

        let (noEnv, exchanger) = Self.chain(environment: webIdentity, directory: directory)
        #expect(try await noEnv.credentials().accessKeyId == "ASIA1")
        #expect(await exchanger.exchanges.map(\.token) == ["jwt"])

        let (profileOnly, _) = Self.chain(environment: [:], directory: directory)
        #expect(try await profileOnly.credentials().accessKeyId == "AKIDPROFILE")
        #expect(all.links.map(\.name) == [
            "environment", "web identity", "shared profile", "container", "EC2 instance metadata",
        ])
    }

    @Test func nothingConfiguredListsWhatWasTriedAndWhatToSet() async throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let (chain, _) = Self.chain(environment: [:], directory: directory)
        let error = try await #require(throws: CredentialProviderError.self) { try await chain.credentials() }
        guard case .noCredentials(let tried) = error else {
            Issue.record("expected noCredentials, got \(error)")
            return
        }
        #expect(tried == [
            "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            "web identity: AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set",
            "shared profile: no [default] profile in \(directory.path(".aws/credentials")) or \(directory.path(".aws/config"))",
            "container: AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI are not set",
            "EC2 instance metadata: AWS_EC2_METADATA_DISABLED is true",
        ])
        for needle in [
            "AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_PROFILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "instance metadata",
        ] {
            #expect(error.description.contains(needle), "message mentions \(needle)")
        }
    }

    @Test func aBrokenSourceStopsTheChainInsteadOfFallingThrough() async throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        try directory.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n")
        let (chain, _) = Self.chain(environment: ["AWS_ACCESS_KEY_ID": "AKIDHALF"], directory: directory)
        await #expect(throws: CredentialProviderError.incompleteEnvironment(
            set: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY")
        ) { try await chain.credentials() }
    }

    @Test func theProviderThatWorkedIsAskedFirstNextTime() async throws {
        let empty = CountingChainProvider(answer: nil)
        let working = CountingChainProvider(answer: AWSCredentials(accessKeyId: "A", secretAccessKey: "s"))
        let chain = CredentialProviderChain([.init(name: "empty", provider: empty), .init(name: "working", provider: working)])
        for _ in 0..<3 { #expect(try await chain.credentials().accessKeyId == "A") }
        #expect(empty.calls.withLock { $0 } == 1)
        #expect(working.calls.withLock { $0 } == 3)
    }
}
