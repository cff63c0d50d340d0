import Foundation
import KubeClient

/// Kubeconfig loading (`KubeconfigLoader`: YAML, field types, context resolution, base64 PEM data,
/// exec plugins), reading the fuzzed bytes as `/fuzz/.kube/config` from memory; a CA, a client
/// certificate and key and a token file exist next to it so path fields can resolve. Invariants:
/// every refusal is a `KubeconfigError` naming the file and saying what is wrong; an accepted
/// file names an http(s) server; and merging it with an empty second file (as `KUBECONFIG=a:b`
/// does) changes nothing but the origin.
enum KubeconfigFuzzTarget {
    static let configPath = "/fuzz/.kube/config"
    static let emptyPath = "/fuzz/.kube/empty"
    static let neighbours = ["ca.crt", "client.crt", "client.key", "token"].map { "/fuzz/.kube/" + $0 }

    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let contents = Data(bytes)
        let environment = ConfigurationEnvironment(
            variables: [:],
            homeDirectory: "/fuzz",
            readFile: { path in
                if path == configPath { return contents }
                if path == emptyPath || neighbours.contains(path) { return Data() }
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            },
            fileExists: { path in path == configPath || path == emptyPath || neighbours.contains(path) }
        )
        let loader = KubeconfigLoader(environment: environment)
        let alone = result(loader, files: [configPath])
        let merged = result(loader, files: [configPath, emptyPath])
        switch (alone, merged) {
        case (.success(let configuration), .success(var mergedConfiguration)):
            guard let scheme = configuration.server.scheme?.lowercased(), ["http", "https"].contains(scheme),
                configuration.server.host != nil
            else {
                return FuzzFinding(.kubeconfig, "accepted the server \(configuration.server.absoluteString.escapedForFinding())")
            }
            if case .exec(let exec) = configuration.authentication, exec.command.isEmpty {
                return FuzzFinding(.kubeconfig, "accepted an exec plugin without a command")
            }
            mergedConfiguration.origin = configuration.origin
            if mergedConfiguration != configuration {
                return FuzzFinding(.kubeconfig, "merging with an empty kubeconfig changed the configuration")
            }
        case (.failure(let error), .failure):
            guard let file = error.file, file.contains(configPath), !error.problem.isEmpty, error.field?.isEmpty != true else {
                return FuzzFinding(.kubeconfig, "an error that does not say where or what: \(error.description.escapedForFinding())")
            }
        case (.success, .failure(let error)):
            return FuzzFinding(.kubeconfig, "loads alone but not merged with an empty file: \(error.description.escapedForFinding())")
        case (.failure(let error), .success):
            return FuzzFinding(.kubeconfig, "fails alone (\(error.description.escapedForFinding())) but loads merged with an empty file")
        }
        return nil
    }

    private static func result(_ loader: KubeconfigLoader, files: [String]) -> Result<KubeConfiguration, KubeconfigError> {
        Result { () throws(KubeconfigError) in try loader.load(files: files) }
    }
}
