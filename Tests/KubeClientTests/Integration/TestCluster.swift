import Foundation
import KubeClient
import KubeModels
import KubeTestServer

/// `apiextensions.k8s.io/v1` CustomResourceDefinition, test-only: the spec stays untyped.
struct CustomResourceDefinition: KubernetesResource {
    static let descriptor = ResourceDescriptor(
        group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
        plural: "customresourcedefinitions", namespaced: false)
    var metadata: ObjectMeta
    var spec: KubeModels.JSONValue
}

/// A running `KubeTestServer` plus a libcurl `KubernetesClient` configured from the kubeconfig
/// the server writes (CA data and bearer token over TLS), torn down after the test body.
struct TestCluster {
    let server: KubeTestServer
    let client: KubernetesClient
    let directory: TemporaryDirectory
    let kubeconfigPath: String

    /// Starts a server, creates `namespaces`, runs `body`, and stops the server whatever happens.
    static func with<T>(
        _ options: KubeTestServerOptions = KubeTestServerOptions(), namespaces: [String],
        _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        let server = try await KubeTestServer.start(options)
        let directory: TemporaryDirectory
        do {
            directory = try TemporaryDirectory()
        } catch {
            await server.stop()
            throw error
        }
        do {
            let result = try await run(server: server, directory: directory, namespaces: namespaces, body)
            await server.stop()
            directory.remove()
            return result
        } catch {
            await server.stop()
            directory.remove()
            throw error
        }
    }

    /// Runs `body` with a cluster value that is released before the server stops, so the
    /// client's idle keep-alive connections close and do not hold up the server's shutdown.
    private static func run<T>(
        server: KubeTestServer, directory: TemporaryDirectory, namespaces: [String], _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        let path = directory.file("kubeconfig")
        try server.writeKubeconfig(to: path)
        let configuration = try KubeConfiguration.load(
            kubeconfigPath: path, environment: .files(variables: [:], homeDirectory: directory.path))
        let cluster = TestCluster(
            server: server, client: KubernetesClient(configuration: configuration), directory: directory,
            kubeconfigPath: path)
        for namespace in namespaces {
            _ = try await cluster.client.create(Namespace(name: namespace))
        }
        return try await body(cluster)
    }

    /// Registers the test-only `Widget` kind (status subresource, `spec.size` 1...100 required).
    func installWidgetCRD() async throws {
        let spec: KubeModels.JSONValue = [
            "group": "example.trustline.dev",
            "scope": "Namespaced",
            "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"],
            "versions": [[
                "name": "v1", "served": true, "storage": true,
                "subresources": ["status": [:]],
                "schema": ["openAPIV3Schema": [
                    "type": "object",
                    "properties": [
                        "spec": [
                            "type": "object", "required": ["size"],
                            "properties": [
                                "size": ["type": "integer", "minimum": 1, "maximum": 100],
                                "color": ["type": "string"],
                            ],
                        ],
                        "status": [
                            "type": "object",
                            "properties": ["phase": ["type": "string"], "observedGeneration": ["type": "integer"]],
                        ],
                    ],
                ]],
            ]],
        ]
        _ = try await client.create(
            CustomResourceDefinition(metadata: ObjectMeta(name: "widgets.example.trustline.dev"), spec: spec))
    }

    /// Registers the project's real CRD from `crds/`.
    func installProjectCRDs() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("crds")
        let file = folder.appendingPathComponent("workloadawsaccess.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        for document in try YAMLManifest.documents(text, source: file.path) where document.kind == "CustomResourceDefinition" {
            _ = try await client.create(try document.decode(CustomResourceDefinition.self))
        }
    }
}
