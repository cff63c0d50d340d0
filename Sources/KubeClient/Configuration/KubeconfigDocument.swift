import Foundation
import Yams

/// One kubeconfig file as written, with every entry remembering its file and field path so a
/// problem found later (bad base64, missing file) can be reported precisely. Only structure
/// and types are checked here; meaning is checked for the entries the chosen context uses.
struct KubeconfigDocument: Sendable {
    /// An entry of `clusters`, `users` or `contexts`, with where it was written.
    struct Entry<Value: Sendable>: Sendable {
        var name: String
        var value: Value
        var file: String
        /// E.g. `users[2].user`.
        var fieldPath: String
    }

    struct Cluster: Sendable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
    }

    struct User: Sendable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        var password: String?
        var exec: Exec?
        var hasAuthProvider: Bool
    }

    struct Exec: Sendable {
        var command: String?
        var args: [String]
        var env: [(name: String, value: String)]
        var apiVersion: String?
        var installHint: String?
        var provideClusterInfo: Bool
    }

    struct Context: Sendable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    var file: String
    var clusters: [Entry<Cluster>] = []
    var users: [Entry<User>] = []
    var contexts: [Entry<Context>] = []
    var currentContext: String?

    /// Parses the YAML text of `file`.
    init(file: String, yaml: String) throws(KubeconfigError) {
        self.file = file
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw KubeconfigError(file: file, field: nil, problem: "is not valid YAML: \(error)")
        }
        guard let root else { return }  // An empty file is an empty config, as kubectl treats it.
        let reader = FieldReader(file: file)
        let top = try reader.mapping(root, at: "")
        currentContext = try reader.string(top, "current-context", at: "")
        clusters = try reader.namedList(top, "clusters", valueKey: "cluster") { (node: Node, path: String) throws(KubeconfigError) -> Cluster in
            return Cluster(
                server: try reader.string(node, "server", at: path),
                certificateAuthority: try reader.string(node, "certificate-authority", at: path),
                certificateAuthorityData: try reader.string(node, "certificate-authority-data", at: path),
                insecureSkipTLSVerify: try reader.bool(node, "insecure-skip-tls-verify", at: path)
            )
        }
        users = try reader.namedList(top, "users", valueKey: "user") { (node: Node, path: String) throws(KubeconfigError) -> User in
            var exec: Exec?
            if let execNode = node["exec"], !FieldReader.isNull(execNode) {
                let execPath = path + ".exec"
                let execMapping = try reader.mapping(execNode, at: execPath)
                exec = Exec(
                    command: try reader.string(execMapping, "command", at: execPath),
                    args: try reader.stringList(execMapping, "args", at: execPath),
                    env: try reader.environment(execMapping, at: execPath),
                    apiVersion: try reader.string(execMapping, "apiVersion", at: execPath),
                    installHint: try reader.string(execMapping, "installHint", at: execPath),
                    provideClusterInfo: try reader.bool(execMapping, "provideClusterInfo", at: execPath) ?? false
                )
            }
            return User(
                clientCertificate: try reader.string(node, "client-certificate", at: path),
                clientCertificateData: try reader.string(node, "client-certificate-data", at: path),
                clientKey: try reader.string(node, "client-key", at: path),
                clientKeyData: try reader.string(node, "client-key-data", at: path),
                token: try reader.string(node, "token", at: path),
                tokenFile: try reader.string(node, "tokenFile", at: path),
                username: try reader.string(node, "username", at: path),
                password: try reader.string(node, "password", at: path),
                exec: exec,
                hasAuthProvider: node["auth-provider"].map { !FieldReader.isNull($0) } ?? false
            )
        }
        contexts = try reader.namedList(top, "contexts", valueKey: "context") { (node: Node, path: String) throws(KubeconfigError) -> Context in
            return Context(
                cluster: try reader.string(node, "cluster", at: path),
                user: try reader.string(node, "user", at: path),
                namespace: try reader.string(node, "namespace", at: path)
            )
        }
    }
}

/// Typed access to YAML nodes that reports the field path on a type mismatch.
private struct FieldReader {
    var file: String

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func error(_ path: String, _ problem: String) -> KubeconfigError {
        KubeconfigError(file: file, field: path.isEmpty ? nil : path, problem: problem)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func mapping(_ node: Node, at path: String) throws(KubeconfigError) -> Node {
        guard case .mapping = node else { throw error(path, "must be a mapping of keys to values") }
        return node
    }

    func string(_ node: Node, _ key: String, at path: String) throws(KubeconfigError) -> String? {
        guard let value = node[key], !Self.isNull(value) else { return nil }
        guard case .scalar(let scalar) = value else { throw error(join(path, key), "must be a string") }
        return scalar.string
    }

    func bool(_ node: Node, _ key: String, at path: String) throws(KubeconfigError) -> Bool? {
        guard let value = node[key], !Self.isNull(value) else { return nil }
        guard case .scalar = value, let flag = value.bool else {
            throw error(join(path, key), "must be true or false")
        }
        return flag
    }

    func stringList(_ node: Node, _ key: String, at path: String) throws(KubeconfigError) -> [String] {
        guard let value = node[key], !Self.isNull(value) else { return [] }
        guard case .sequence(let items) = value else { throw error(join(path, key), "must be a list of strings") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let scalar) = item else {
                throw error("\(join(path, key))[\(index)]", "must be a string")
            }
            result.append(scalar.string)
        }
        return result
    }

    func environment(_ node: Node, at path: String) throws(KubeconfigError) -> [(name: String, value: String)] {
        let listPath = join(path, "env")
        guard let value = node["env"], !Self.isNull(value) else { return [] }
        guard case .sequence(let items) = value else { throw error(listPath, "must be a list of {name, value}") }
        var result: [(name: String, value: String)] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(listPath)[\(index)]"
            let entry = try mapping(item, at: itemPath)
            guard let name = try string(entry, "name", at: itemPath), !name.isEmpty else {
                throw error(itemPath + ".name", "is required")
            }
            result.append((name: name, value: try string(entry, "value", at: itemPath) ?? ""))
        }
        return result
    }

    func namedList<Value>(
        _ node: Node, _ key: String, valueKey: String,
        parse: (Node, String) throws(KubeconfigError) -> Value
    ) throws(KubeconfigError) -> [KubeconfigDocument.Entry<Value>] {
        guard let value = node[key], !Self.isNull(value) else { return [] }
        guard case .sequence(let items) = value else {
            throw error(key, "must be a list of {name, \(valueKey)} entries")
        }
        var result: [KubeconfigDocument.Entry<Value>] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(key)[\(index)]"
            let entry = try mapping(item, at: itemPath)
            guard let name = try string(entry, "name", at: itemPath), !name.isEmpty else {
                throw error(itemPath + ".name", "is required")
            }
            let valuePath = "\(itemPath).\(valueKey)"
            let body: Node
            if let inner = entry[valueKey], !Self.isNull(inner) {
                body = try mapping(inner, at: valuePath)
            } else {
                body = Node.mapping(Node.Mapping([]))
            }
            result.append(.init(name: name, value: try parse(body, valuePath), file: file, fieldPath: valuePath))
        }
        return result
    }
}
