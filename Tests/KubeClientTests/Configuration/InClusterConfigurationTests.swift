import Foundation
import HTTPTransport
import Synchronization
import Testing

@testable import KubeClient

@Suite("In-cluster configuration and token rotation")
struct InClusterConfigurationTests {
    @Test func loadsServerCATokenFileAndNamespace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let paths = InClusterPaths(
            token: try dir.write("token", "tok-1\n"), certificateAuthority: try dir.write("ca.crt", TestPEM.certificate),
            namespace: try dir.write("namespace", "trustline-system\n"))
        let environment = ConfigurationEnvironment.files(
            variables: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], homeDirectory: dir.path)
        let configuration = try KubeConfiguration.load(environment: environment, inClusterPaths: paths)
        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
        #expect(configuration.tls == TLSConfiguration(certificateAuthority: .file(paths.certificateAuthority)))
        #expect(configuration.authentication == .tokenFile(paths.token))
        #expect(configuration.namespace == "trustline-system")
        #expect(configuration.origin == "in-cluster")

        let ipv6 = ConfigurationEnvironment.files(
            variables: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], homeDirectory: dir.path)
        #expect(try InClusterConfiguration.load(environment: ipv6, paths: paths).server.absoluteString == "https://[fd00::1]:6443")
    }

    @Test func inClusterBeatsKUBECONFIGInAPodButNotTheFlag() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let paths = InClusterPaths(
            token: try dir.write("sa/token", "pod-token\n"), certificateAuthority: try dir.write("sa/ca.crt", TestPEM.certificate),
            namespace: dir.file("sa/namespace"))
        let kubeconfig = try dir.write("config", kubeconfigYAML(user: "token: from-file"))
        let environment = ConfigurationEnvironment.files(
            variables: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "KUBECONFIG": kubeconfig],
            homeDirectory: dir.path)
        let inPod = try KubeConfiguration.load(environment: environment, inClusterPaths: paths)
        #expect(inPod.origin == "in-cluster")
        #expect(inPod.authentication == .tokenFile(paths.token))
        let flagged = try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: environment, inClusterPaths: paths)
        #expect(flagged.authentication == .bearerToken("from-file"))
        // Without the token file this is no usable pod: KUBECONFIG applies.
        try FileManager.default.removeItem(atPath: paths.token)
        #expect(try KubeConfiguration.load(environment: environment, inClusterPaths: paths).authentication == .bearerToken("from-file"))
    }

    @Test func missingTokenIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let paths = InClusterPaths(token: dir.file("token"), certificateAuthority: dir.file("ca.crt"), namespace: dir.file("ns"))
        let environment = ConfigurationEnvironment.files(
            variables: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], homeDirectory: dir.path)
        let error = #expect(throws: KubeconfigError.self) { try InClusterConfiguration.load(environment: environment, paths: paths) }
        #expect(error?.file == paths.token)
        let badPort = ConfigurationEnvironment.files(
            variables: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "https"], homeDirectory: dir.path)
        let portError = #expect(throws: KubeconfigError.self) { try InClusterConfiguration.load(environment: badPort, paths: paths) }
        #expect(portError?.field == "KUBERNETES_SERVICE_PORT")
    }

    @Test func tokenFileIsReReadAfterAMinuteAndAfterInvalidate() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("token", "first\n")
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let provider = TokenFileCredentialProvider(
            path: path, readFile: { try Data(contentsOf: URL(fileURLWithPath: $0)) }, now: { clock.withLock { $0 } })
        #expect(try await provider.credentials().authorization == "Bearer first")
        try dir.write("token", "second\n")
        clock.withLock { $0 += 59 }
        #expect(try await provider.credentials().authorization == "Bearer first", "cached within the minute")
        clock.withLock { $0 += 2 }
        #expect(try await provider.credentials().authorization == "Bearer second", "re-read after a minute")
        try dir.write("token", "third\n")
        #expect(try await provider.credentials().authorization == "Bearer second")
        #expect(await provider.invalidate())
        #expect(try await provider.credentials().authorization == "Bearer third", "re-read after a 401")
    }
}
