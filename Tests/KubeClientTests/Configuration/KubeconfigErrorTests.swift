import Foundation
import Testing

@testable import KubeClient

@Suite("Kubeconfig: a bad file per field")
struct KubeconfigErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var yaml: String
        /// nil when the error is about the whole file.
        var field: String?
        var problem: String
        var context: String? = nil
        var testDescription: String { field ?? problem }
    }

    static let cases: [Case] = [
        Case(yaml: kubeconfigYAML(user: "client-certificate-data: \(TestPEM.certificateBase64)\nclient-key-data: '***'"),
            field: "users[0].user.client-key-data", problem: "not valid base64"),
        Case(yaml: kubeconfigYAML(user: "client-certificate-data: aGVsbG8=\nclient-key-data: \(TestPEM.privateKeyBase64)"),
            field: "users[0].user.client-certificate-data", problem: "does not decode to a PEM certificate"),
        Case(yaml: kubeconfigYAML(user: "client-certificate-data: \(TestPEM.certificateBase64)"),
            field: "users[0].user.client-key-data", problem: "is required with a client certificate"),
        Case(yaml: kubeconfigYAML(user: "client-key: missing.key\nclient-certificate-data: \(TestPEM.certificateBase64)"),
            field: "users[0].user.client-key", problem: "missing.key does not exist"),
        Case(yaml: kubeconfigYAML(cluster: "server: https://h\ncertificate-authority-data: \(TestPEM.privateKeyBase64)", user: nil),
            field: "clusters[0].cluster.certificate-authority-data", problem: "PEM certificate"),
        Case(yaml: kubeconfigYAML(cluster: "server: https://h\ncertificate-authority: /nonexistent/ca.crt", user: nil),
            field: "clusters[0].cluster.certificate-authority", problem: "/nonexistent/ca.crt does not exist"),
        Case(yaml: kubeconfigYAML(cluster: "certificate-authority-data: \(TestPEM.certificateBase64)", user: nil),
            field: "clusters[0].cluster.server", problem: "is required"),
        Case(yaml: kubeconfigYAML(cluster: "server: 127.0.0.1:6443", user: nil),
            field: "clusters[0].cluster.server", problem: "is not an http(s) URL"),
        Case(yaml: kubeconfigYAML(cluster: "server: https://h\ninsecure-skip-tls-verify: maybe", user: nil),
            field: "clusters[0].cluster.insecure-skip-tls-verify", problem: "must be true or false"),
        Case(yaml: kubeconfigYAML(user: "tokenFile: /nonexistent/token"),
            field: "users[0].user.tokenFile", problem: "does not exist"),
        Case(yaml: kubeconfigYAML(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1alpha1\n  command: x"),
            field: "users[0].user.exec.apiVersion", problem: "is not supported"),
        Case(yaml: kubeconfigYAML(user: "exec:\n  command: x"),
            field: "users[0].user.exec.apiVersion", problem: "is required"),
        Case(yaml: kubeconfigYAML(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1"),
            field: "users[0].user.exec.command", problem: "is required"),
        Case(yaml: kubeconfigYAML(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  env:\n  - value: v"),
            field: "users[0].user.exec.env[0].name", problem: "is required"),
        Case(yaml: kubeconfigYAML(user: "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: x\n  args: {a: b}"),
            field: "users[0].user.exec.args", problem: "must be a list of strings"),
        Case(yaml: kubeconfigYAML(user: "auth-provider:\n  name: gcp"),
            field: "users[0].user.auth-provider", problem: "use an exec credential plugin"),
        Case(yaml: "current-context: a\nclusters: {name: x}\n", field: "clusters", problem: "must be a list"),
        Case(yaml: "clusters:\n- cluster: {server: https://h}\n", field: "clusters[0].name", problem: "is required"),
        Case(yaml: "current-context: ghost\ncontexts:\n- name: real\n  context: {cluster: c}\n",
            field: "current-context", problem: "context \"ghost\" is not defined (known contexts: real)"),
        Case(yaml: "contexts:\n- name: real\n  context: {cluster: c}\n", field: "current-context", problem: "is not set"),
        Case(yaml: "current-context: a\ncontexts:\n- name: a\n  context: {user: u}\n",
            field: "contexts[0].context.cluster", problem: "is required"),
        Case(yaml: "current-context: a\ncontexts:\n- name: a\n  context: {cluster: nowhere}\n",
            field: "contexts[0].context.cluster", problem: "names cluster \"nowhere\""),
        Case(yaml: kubeconfigYAML(user: nil).replacingOccurrences(of: "cluster: test-cluster", with: "cluster: test-cluster\n    user: ghost"),
            field: "contexts[0].context.user", problem: "names user \"ghost\""),
        Case(yaml: "clusters: [\n", field: nil, problem: "is not valid YAML"),
        Case(yaml: "- just\n- a list\n", field: nil, problem: "must be a mapping"),
        Case(yaml: kubeconfigYAML(user: "token: x"), field: nil, problem: "context \"other\" is not defined", context: "other"),
    ]

    @Test(arguments: cases)
    func namesFileFieldAndProblem(_ testCase: Case) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("config", testCase.yaml)
        let loader = KubeconfigLoader(environment: .files(variables: [:], homeDirectory: dir.path))
        let error = #expect(throws: KubeconfigError.self) {
            try loader.load(files: [path], context: testCase.context)
        }
        guard let error else { return }
        #expect(error.file == path)
        #expect(error.field == testCase.field)
        #expect(error.problem.contains(testCase.problem), "problem was: \(error.problem)")
        #expect(error.description.contains(path))
    }
}
