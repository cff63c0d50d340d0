import AWSClients
import AWSSigV4

/// Fixed credentials for tests: moto accepts any key unless auth is switched on.
struct StaticCredentialProvider: CredentialProvider {
    let value: AWSCredentials

    init(_ value: AWSCredentials) {
        self.value = value
    }

    func credentials() async throws -> AWSCredentials { value }
}

extension AWSCredentials {
    /// The placeholder moto accepts while auth is off.
    static let testDefault = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: nil, expiration: nil)
}
