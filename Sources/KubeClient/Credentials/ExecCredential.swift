import Foundation

/// The `ExecCredential` object exchanged with a credential plugin: we send its `spec` in
/// `KUBERNETES_EXEC_INFO`, the plugin prints one with a `status` on stdout.
struct ExecCredential: Codable, Sendable {
    struct Spec: Codable, Sendable {
        var interactive: Bool
        var cluster: Cluster?
    }

    /// What `provideClusterInfo: true` passes to the plugin.
    struct Cluster: Codable, Sendable {
        var server: String
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }

    struct Status: Codable, Sendable {
        var token: String?
        var expirationTimestamp: String?
        var clientCertificateData: String?
        var clientKeyData: String?
    }

    var apiVersion: String
    var kind: String
    var spec: Spec?
    var status: Status?
}

/// An exec plugin that could not be run or printed something unusable; names the kubeconfig user
/// and the command, and says what to do (including the plugin's `installHint`).
public struct ExecPluginError: Error, Sendable, Equatable, CustomStringConvertible {
    public var command: String
    /// The kubeconfig `users[].name` whose credentials the plugin supplies, when known.
    public var user: String?
    public var problem: String

    public init(command: String, user: String? = nil, problem: String) {
        self.command = command
        self.user = user
        self.problem = problem
    }

    public var description: String {
        let owner = user.map { " (kubeconfig user \"\($0)\")" } ?? ""
        return "exec credential plugin \(command)\(owner): \(problem)"
    }
}
