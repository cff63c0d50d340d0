import AWSSigV4
import Foundation
import HTTPTransport
import Synchronization

/// Tries providers in order and uses the first one that is configured, like the AWS SDKs' default chain.
/// A provider that is set up but broken (half-set variables, unreadable token, STS error) stops the chain
/// with its own error rather than silently falling through to a different identity.
public struct CredentialProviderChain: CredentialProvider {
    /// One provider in the chain with the name used in the "what was tried" error.
    public struct Link: Sendable {
        public var name: String
        public var provider: any CredentialProvider
        public init(name: String, provider: any CredentialProvider) {
            self.name = name
            self.provider = provider
        }
    }

    public let links: [Link]
    /// Index of the provider that last produced credentials, tried first next time (the SDKs resolve once).
    private let resolvedIndex: ResolvedLinkIndex

    public init(_ links: [Link]) {
        self.links = links
        self.resolvedIndex = ResolvedLinkIndex()
    }

    /// The SDKs' order for what Trustline supports: environment variables, then web identity
    /// (`AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`), then the shared credentials and config files, then
    /// the container endpoint (EKS Pod Identity, ECS), then the EC2 instance metadata service.
    /// `metadataHTTPClient` carries the last two's requests (they set their own short timeouts).
    public static func standard(
        webIdentityExchanger: any WebIdentityTokenExchanger,
        metadataHTTPClient: any HTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> CredentialProviderChain {
        CredentialProviderChain([
            Link(name: EnvironmentCredentialProvider.name, provider: EnvironmentCredentialProvider(environment: environment)),
            Link(
                name: WebIdentityCredentialProvider.name,
                provider: WebIdentityCredentialProvider(
                    exchanger: webIdentityExchanger, environment: environment, clock: clock)),
            Link(
                name: ProfileCredentialProvider.name,
                provider: ProfileCredentialProvider(environment: environment, homeDirectory: homeDirectory)),
            Link(
                name: ContainerCredentialProvider.name,
                provider: ContainerCredentialProvider(httpClient: metadataHTTPClient, environment: environment, clock: clock)),
            Link(
                name: InstanceMetadataCredentialProvider.name,
                provider: InstanceMetadataCredentialProvider(
                    httpClient: metadataHTTPClient, environment: environment, clock: clock)),
        ])
    }

    public func credentials() async throws -> AWSCredentials {
        if let index = resolvedIndex.value, links.indices.contains(index) {
            do {
                return try await links[index].provider.credentials()
            } catch CredentialProviderError.notConfigured {
                resolvedIndex.value = nil  // the source went away: resolve again from the start
            }
        }
        var tried: [String] = []
        for (index, link) in links.enumerated() {
            do {
                let credentials = try await link.provider.credentials()
                resolvedIndex.value = index
                return credentials
            } catch CredentialProviderError.notConfigured(_, let reason) {
                tried.append("\(link.name): \(reason)")
            }
        }
        throw CredentialProviderError.noCredentials(tried: tried)
    }
}

/// The chain's memory of which link worked, shared by copies of the chain.
final class ResolvedLinkIndex: Sendable {
    private let storage = Mutex<Int?>(nil)
    var value: Int? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
