import AWSSigV4

/// A source of AWS credentials (environment, web identity, shared profile files, or a chain of them).
/// Clients ask it before every signed request, so implementations cache whatever is expensive to get.
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// Trades a web identity token (a Kubernetes service-account token under IRSA) for temporary credentials.
/// Exists so `WebIdentityCredentialProvider` does not depend on the STS client, which conforms to it.
public protocol WebIdentityTokenExchanger: Sendable {
    func assumeRoleWithWebIdentity(
        roleArn: String, roleSessionName: String, webIdentityToken: String, durationSeconds: Int?
    ) async throws -> AWSCredentials
}

extension CredentialProvider {
    /// `credentials()` with its failure as the clients' error type: an `AWSClientError` as it is
    /// (a web identity exchange STS refused), anything else as `.credentials`.
    func credentialsForSigning() async throws(AWSClientError) -> AWSCredentials {
        do {
            return try await credentials()
        } catch let error as AWSClientError {
            throw error
        } catch {
            throw .credentials(String(describing: error))
        }
    }
}
