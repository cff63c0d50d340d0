import Foundation
import Testing

@testable import KubeClient

@Suite("Kubeconfig: file selection and KUBECONFIG merging")
struct KubeconfigMergeTests {
    let first = """
        clusters:
        - name: shared
          cluster: {server: "https://first.example:6443"}
        - name: only-first
          cluster: {server: "https://only-first.example"}
        users:
        - name: alice
          user: {token: first-token}
        contexts:
        - name: dev
          context: {cluster: shared, user: alice, namespace: first-ns}
        """
    let second = """
        current-context: dev
        clusters:
        - name: shared
          cluster: {server: "https://second.example:6443"}
        users:
        - name: alice
          user: {token: second-token}
        - name: bob
          user: {token: bob-token}
        contexts:
        - name: dev
          context: {cluster: shared, user: bob}
        - name: other
          context: {cluster: only-first, user: bob}
        """
    let third = "current-context: other\n"

    @Test func firstFileToSetAKeyWinsAndCurrentContextFromFirstSetter() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = try dir.write("a.yaml", first)
        let b = try dir.write("b.yaml", second)
        let c = try dir.write("c.yaml", third)
        let missing = dir.file("missing.yaml")
        let environment = ConfigurationEnvironment.files(
            variables: ["KUBECONFIG": "\(a):\(missing)::\(b):\(c)"], homeDirectory: dir.path)
        let configuration = try KubeConfiguration.load(environment: environment)
        // current-context "dev" comes from b (the first file that sets it, c's is ignored);
        // the context, cluster and user "dev"/"shared"/"alice" come from a (first definition wins).
        #expect(configuration.server.absoluteString == "https://first.example:6443")
        #expect(configuration.authentication == .bearerToken("first-token"))
        #expect(configuration.namespace == "first-ns")
        #expect(configuration.origin.contains("context dev"))
    }

    @Test func namedContextAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = try dir.write("a.yaml", first)
        let b = try dir.write("b.yaml", second)
        let environment = ConfigurationEnvironment.files(variables: ["KUBECONFIG": "\(a):\(b)"], homeDirectory: dir.path)
        let configuration = try KubeConfiguration.load(context: "other", environment: environment)
        #expect(configuration.server.absoluteString == "https://only-first.example")
        #expect(configuration.authentication == .bearerToken("bob-token"))
        #expect(configuration.namespace == nil)
    }

    @Test func explicitPathBeatsKUBECONFIGAndHome() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = try dir.write("a.yaml", first + "\ncurrent-context: dev\n")
        let b = try dir.write("b.yaml", second)
        try dir.write(".kube/config", second)
        let environment = ConfigurationEnvironment.files(variables: ["KUBECONFIG": b], homeDirectory: dir.path)
        let configuration = try KubeConfiguration.load(kubeconfigPath: a, environment: environment)
        #expect(configuration.authentication == .bearerToken("first-token"))
    }

    @Test func homeConfigIsTheFallback() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write(".kube/config", second)
        let configuration = try KubeConfiguration.load(
            environment: .files(variables: [:], homeDirectory: dir.path))
        #expect(configuration.server.absoluteString == "https://second.example:6443")
        #expect(configuration.authentication == .bearerToken("bob-token"))
    }

    @Test func missingFilesAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let explicit = dir.file("nope.yaml")
        let error = #expect(throws: KubeconfigError.self) {
            try KubeConfiguration.load(kubeconfigPath: explicit, environment: .files(variables: [:], homeDirectory: dir.path))
        }
        #expect(error?.file == explicit)
        #expect(error?.problem.hasPrefix("does not exist; it was named explicitly (--kubeconfig)") == true)
        let home = #expect(throws: ConfigurationNotFoundError.self) {
            try KubeConfiguration.load(environment: .files(variables: [:], homeDirectory: dir.path))
        }
        #expect(home?.tried.last == dir.path + "/.kube/config: does not exist")
        let both = #expect(throws: ConfigurationNotFoundError.self) {
            try KubeConfiguration.load(
                environment: .files(variables: ["KUBECONFIG": "\(dir.file("x")):\(dir.file("y"))"], homeDirectory: dir.path))
        }
        #expect(both?.tried.contains("KUBECONFIG=\(dir.file("x")):\(dir.file("y")): none of these files exist") == true)
    }

    @Test func emptyFileMergesAsNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let empty = try dir.write("empty.yaml", "")
        let b = try dir.write("b.yaml", second)
        let configuration = try KubeConfiguration.load(
            environment: .files(variables: ["KUBECONFIG": "\(empty):\(b)"], homeDirectory: dir.path))
        #expect(configuration.authentication == .bearerToken("bob-token"))
    }
}
