import Foundation
import HTTPTransport

/// Finds, merges and resolves kubeconfig files into a `KubeConfiguration`, following kubectl:
/// `KUBECONFIG` lists files separated by `:`; the first file to define a cluster, user or
/// context name wins, and so does the first `current-context`; relative paths resolve against
/// the folder of the file that wrote them.
public struct KubeconfigLoader: Sendable {
    public var environment: ConfigurationEnvironment

    public init(environment: ConfigurationEnvironment = .process) {
        self.environment = environment
    }

    /// The files `KUBECONFIG` names, or nil when it is unset or empty.
    public func filesFromEnvironment() -> [String]? {
        guard let value = environment.variables["KUBECONFIG"] else { return nil }
        let files = value.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        return files.isEmpty ? nil : files
    }

    /// `~/.kube/config`.
    public func defaultPath() -> String {
        let home = environment.homeDirectory ?? environment.variables["HOME"] ?? "/"
        return (home as NSString).appendingPathComponent(".kube/config")
    }

    /// Loads and merges `files` (in priority order) and resolves `context`, or the current context.
    public func load(files: [String], context: String? = nil) throws(KubeconfigError) -> KubeConfiguration {
        let documents = try readDocuments(files)
        let merged = MergedKubeconfig(documents: documents)
        return try KubeconfigResolver(environment: environment, files: files, merged: merged).resolve(context: context)
    }

    private func readDocuments(_ files: [String]) throws(KubeconfigError) -> [KubeconfigDocument] {
        // With several files, kubectl skips the ones that do not exist; a single named file must exist.
        let existing = files.count > 1 ? files.filter { environment.fileExists($0) } : files
        guard !existing.isEmpty else {
            throw KubeconfigError(
                file: files.joined(separator: ":"), field: nil,
                problem: "none of these files exist; set KUBECONFIG or --kubeconfig to a kubeconfig file")
        }
        var documents: [KubeconfigDocument] = []
        for file in existing {
            let data: Data
            do {
                data = try environment.readFile(file)
            } catch {
                throw KubeconfigError(
                    file: file, field: nil,
                    problem: "cannot be read (\(error.localizedDescription)); check the path or set KUBECONFIG")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw KubeconfigError(file: file, field: nil, problem: "is not UTF-8 text")
            }
            documents.append(try KubeconfigDocument(file: file, yaml: text))
        }
        return documents
    }
}

/// The merged view of several kubeconfig files.
struct MergedKubeconfig: Sendable {
    var clusters: [String: KubeconfigDocument.Entry<KubeconfigDocument.Cluster>] = [:]
    var users: [String: KubeconfigDocument.Entry<KubeconfigDocument.User>] = [:]
    var contexts: [String: KubeconfigDocument.Entry<KubeconfigDocument.Context>] = [:]
    var currentContext: String?
    /// The file that set `current-context`.
    var currentContextFile: String?

    init(documents: [KubeconfigDocument]) {
        for document in documents {
            for entry in document.clusters where clusters[entry.name] == nil { clusters[entry.name] = entry }
            for entry in document.users where users[entry.name] == nil { users[entry.name] = entry }
            for entry in document.contexts where contexts[entry.name] == nil { contexts[entry.name] = entry }
            if currentContext == nil, let current = document.currentContext, !current.isEmpty {
                currentContext = current
                currentContextFile = document.file
            }
        }
    }
}
