import AWSSigV4
import Testing
@testable import AWSClients

@Suite struct EnvironmentCredentialProviderTests {
    @Test(arguments: [
        (["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"], "AKID", "secret", nil),
        (["AWS_ACCESS_KEY_ID": " AKID\n", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"], "AKID", "secret", "tok"),
        (["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SECURITY_TOKEN": "legacy"], "AKID", "secret", "legacy"),
        (["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "new",
          "AWS_SECURITY_TOKEN": "legacy"], "AKID", "secret", "new"),
        (["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": ""], "AKID", "secret", nil),
    ] as [([String: String], String, String, String?)])
    func readsKeysAndToken(environment: [String: String], accessKeyId: String, secret: String, token: String?) throws {
        let credentials = try EnvironmentCredentialProvider(environment: environment).credentials()
        #expect(credentials == AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token))
    }

    @Test(arguments: [
        ([:], CredentialProviderError.notConfigured(
            provider: "environment", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")),
        (["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "  "], CredentialProviderError.notConfigured(
            provider: "environment", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")),
        (["AWS_ACCESS_KEY_ID": "AKID"], CredentialProviderError.incompleteEnvironment(
            set: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY")),
        (["AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "t"], CredentialProviderError.incompleteEnvironment(
            set: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID")),
    ] as [([String: String], CredentialProviderError)])
    func missingOrHalfSetVariablesAreNamed(environment: [String: String], expected: CredentialProviderError) {
        #expect(throws: expected) { try EnvironmentCredentialProvider(environment: environment).credentials() }
    }

    @Test func halfSetMessageSaysWhatToSet() {
        let message = CredentialProviderError.incompleteEnvironment(
            set: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY").description
        #expect(message.contains("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"))
    }
}
