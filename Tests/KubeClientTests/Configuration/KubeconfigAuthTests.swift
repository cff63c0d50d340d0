import Foundation
import HTTPTransport
import Testing

@testable import KubeClient

/// Builds a one-context kubeconfig around a `user:` block.
func kubeconfigYAML(cluster: String = "server: https://127.0.0.1:6443", user: String?, namespace: String? = nil) -> String {
    var text = """
        apiVersion: v1
        kind: Config
        current-context: test
        clusters:
        - name: test-cluster
          cluster:
        \(cluster.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        contexts:
        - name: test
          context:
            cluster: test-cluster

        """
    if user != nil { text += "    user: test-user\n" }
    if let namespace { text += "    namespace: \(namespace)\n" }
    if let user {
        text += "users:\n- name: test-user\n  user:\n"
        text += user.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
    }
    return text
}

@Suite("Kubeconfig: every auth kind")
struct KubeconfigAuthTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var cluster: String = "server: https://127.0.0.1:6443"
        var user: String?
        /// Files to create in the kubeconfig's folder before loading.
        var files: [String: String] = [:]
        /// Builds the expected result from the temp folder path.
        var expected: @Sendable (String) -> (Authentication, TLSConfiguration)
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no user", user: nil, expected: { _ in (.none, TLSConfiguration()) }),
        Case(name: "token", user: "token: abc.def", expected: { _ in (.bearerToken("abc.def"), TLSConfiguration()) }),
        Case(
            name: "tokenFile relative to the kubeconfig", user: "tokenFile: secrets/token",
            files: ["secrets/token": "t0k3n\n"],
            expected: { dir in (.tokenFile(dir + "/secrets/token"), TLSConfiguration()) }),
        Case(
            name: "basic auth", user: "username: admin\npassword: s3cret",
            expected: { _ in (.basic(username: "admin", password: "s3cret"), TLSConfiguration()) }),
        Case(
            name: "client certificate and key data",
            user: "client-certificate-data: \(TestPEM.certificateBase64)\nclient-key-data: \(TestPEM.privateKeyBase64)",
            expected: { _ in
                (.none, TLSConfiguration(clientCertificate: .pem(Data(TestPEM.certificate.utf8)), clientKey: .pem(Data(TestPEM.privateKey.utf8))))
            }),
        Case(
            name: "client certificate and key files, relative paths",
            user: "client-certificate: pki/client.crt\nclient-key: pki/client.key",
            files: ["pki/client.crt": TestPEM.certificate, "pki/client.key": TestPEM.privateKey],
            expected: { dir in
                (.none, TLSConfiguration(clientCertificate: .file(dir + "/pki/client.crt"), clientKey: .file(dir + "/pki/client.key")))
            }),
        Case(
            name: "certificate-authority-data",
            cluster: "server: https://127.0.0.1:6443\ncertificate-authority-data: \(TestPEM.certificateBase64)",
            user: "token: x",
            expected: { _ in (.bearerToken("x"), TLSConfiguration(certificateAuthority: .pem(Data(TestPEM.certificate.utf8)))) }),
        Case(
            name: "certificate-authority file",
            cluster: "server: https://127.0.0.1:6443\ncertificate-authority: ca.crt",
            user: "token: x", files: ["ca.crt": TestPEM.certificate],
            expected: { dir in (.bearerToken("x"), TLSConfiguration(certificateAuthority: .file(dir + "/ca.crt"))) }),
        Case(
            name: "insecure-skip-tls-verify only when set",
            cluster: "server: https://127.0.0.1:6443\ninsecure-skip-tls-verify: true", user: "token: x",
            expected: { _ in (.bearerToken("x"), TLSConfiguration(insecureSkipVerify: true)) }),
        Case(
            name: "insecure-skip-tls-verify false",
            cluster: "server: https://127.0.0.1:6443\ninsecure-skip-tls-verify: false", user: "token: x",
            expected: { _ in (.bearerToken("x"), TLSConfiguration()) }),
        Case(
            name: "exec v1 with args and env",
            user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /usr/local/bin/get-token
                  args: [--cluster, prod]
                  env:
                  - name: REGION
                    value: eu-west-1
                  installHint: install get-token
                  provideClusterInfo: true
                  interactiveMode: Never
                """,
            expected: { _ in
                (.exec(ExecConfiguration(
                    command: "/usr/local/bin/get-token", arguments: ["--cluster", "prod"],
                    environment: [.init(name: "REGION", value: "eu-west-1")], apiVersion: .v1,
                    installHint: "install get-token", provideClusterInfo: true, user: "test-user")), TLSConfiguration())
            }),
        Case(
            name: "exec v1beta1, relative command",
            user: "exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: ./bin/plugin",
            expected: { dir in
                (.exec(ExecConfiguration(command: dir + "/./bin/plugin", apiVersion: .v1beta1, user: "test-user")), TLSConfiguration())
            }),
        Case(
            name: "exec command looked up in PATH",
            user: "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: aws",
            expected: { _ in (.exec(ExecConfiguration(command: "aws", apiVersion: .v1, user: "test-user")), TLSConfiguration()) }),
    ]

    @Test(arguments: cases)
    func loads(_ testCase: Case) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (name, contents) in testCase.files { try dir.write(name, contents) }
        let path = try dir.write("config", kubeconfigYAML(cluster: testCase.cluster, user: testCase.user, namespace: "team-a"))
        let configuration = try KubeconfigLoader(environment: .files(variables: [:], homeDirectory: dir.path))
            .load(files: [path])
        let (authentication, tls) = testCase.expected(dir.path)
        #expect(configuration.authentication == authentication)
        #expect(configuration.tls == tls)
        #expect(configuration.server == URL(string: "https://127.0.0.1:6443"))
        #expect(configuration.namespace == "team-a")
        #expect(configuration.origin.contains(path))
    }
}
