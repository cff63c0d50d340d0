import Foundation
import KubeClient
import KubeModels
import KubeTestServer
import Testing

@Suite("Configurations against the test API server", .timeLimit(.minutes(2)))
struct ConfigurationIntegrationTests {
    @Test func inClusterConfigurationWithCAFileAndRotatingToken() async throws {
        try await TestCluster.with(namespaces: ["pods"]) { cluster in
            let dir = cluster.directory
            let paths = InClusterPaths(
                token: try dir.write("sa/token", "stale-token\n"),
                certificateAuthority: try dir.write("sa/ca.crt", cluster.server.caCertificatePEM),
                namespace: try dir.write("sa/namespace", "pods"))
            let environment = ConfigurationEnvironment.files(
                variables: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(cluster.server.port)],
                homeDirectory: dir.path)
            let configuration = try KubeConfiguration.load(environment: environment, inClusterPaths: paths)
            #expect(configuration.origin == "in-cluster")
            let client = KubernetesClient(configuration: configuration)
            let rejected = await #expect(throws: KubeAPIError.self) { try await client.list(ServiceAccount.self, namespace: "pods") }
            #expect(rejected?.category == .unauthorized)
            // The kubelet rotates the token; the next 401 makes the client re-read it.
            try dir.write("sa/token", cluster.server.bearerToken + "\n")
            let list = try await client.list(ServiceAccount.self, namespace: configuration.namespace)
            #expect(list.metadata.resourceVersion?.isEmpty == false)
        }
    }

    @Test func execPluginAgainstTheServer() async throws {
        try await TestCluster.with(namespaces: ["exec"]) { cluster in
            let dir = cluster.directory
            try dir.write("plugin.sh", """
                #!/bin/sh
                echo run >> "$RUNS"
                printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$TOKEN"
                """, executable: true)
            var yaml = cluster.server.kubeconfigYAML()
            let tokenLine = "    token: \(cluster.server.bearerToken)"
            #expect(yaml.contains(tokenLine))
            yaml = yaml.replacingOccurrences(of: tokenLine, with: """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: ./plugin.sh
                      env:
                      - {name: TOKEN, value: "\(cluster.server.bearerToken)"}
                      - {name: RUNS, value: "\(dir.file("runs"))"}
                """)
            let path = try dir.write("exec-kubeconfig", yaml)
            let configuration = try KubeConfiguration.load(
                kubeconfigPath: path, environment: .files(variables: [:], homeDirectory: dir.path))
            let client = KubernetesClient(configuration: configuration)
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "a", namespace: "exec")))
            _ = try await client.get(ServiceAccount.self, namespace: "exec", name: "a")
            let runs = try String(contentsOfFile: dir.file("runs"), encoding: .utf8)
            #expect(runs.split(separator: "\n").count == 1, "credential cached across requests")
        }
    }

    @Test func watchResumesFromABookmark() async throws {
        var options = KubeTestServerOptions()
        options.bookmarkInterval = .milliseconds(100)
        try await TestCluster.with(options, namespaces: ["marks"]) { cluster in
            try await cluster.installWidgetCRD()
            let (client, recorder) = cluster.recordingClient()
            let start = try await client.list(Widget.self, namespace: "marks")
            let retry = RecordingRetryEnvironment()
            var watch = client.watch(
                Widget.self, namespace: "marks", resourceVersion: start.metadata.resourceVersion, environment: retry.environment
            ).makeAsyncIterator()
            _ = try await client.create(Widget(namespace: "marks", name: "w1", size: 1))
            // Something else moves the global resourceVersion on while nothing of ours changes.
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "noise", namespace: "marks")))
            var bookmark: String?
            var sawW1 = false
            while bookmark == nil, let event = try await watch.next() {
                switch event {
                case .added(let object) where object.metadata.name == "w1": sawW1 = true
                case .bookmark(let version) where sawW1: bookmark = version
                default: continue
                }
            }
            #expect(watch.resourceVersion == bookmark)
            cluster.server.faults.dropAllWatches()
            _ = try await client.create(Widget(namespace: "marks", name: "w2", size: 1))
            var next: String?
            while next == nil, let event = try await watch.next() {
                if case .added(let object) = event { next = object.metadata.name }
            }
            #expect(next == "w2", "w1 is not repeated after resuming from the bookmark")
            let urls = recorder.watchURLs
            #expect(urls.count >= 2)
            #expect(urls.dropFirst().contains { queryValue($0, "resourceVersion") == bookmark })
        }
    }
}
