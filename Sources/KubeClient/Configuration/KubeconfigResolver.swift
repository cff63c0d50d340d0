import Foundation
import HTTPTransport

/// Turns the entries one context selects into a `KubeConfiguration`, checking what they mean:
/// base64 and PEM of `*-data` fields, existence of referenced files, the exec plugin's version.
struct KubeconfigResolver {
    var environment: ConfigurationEnvironment
    var files: [String]
    var merged: MergedKubeconfig

    func resolve(context requested: String?) throws(KubeconfigError) -> KubeConfiguration {
        let allFiles = files.joined(separator: ":")
        guard let contextName = requested ?? merged.currentContext, !contextName.isEmpty else {
            throw KubeconfigError(
                file: allFiles, field: "current-context",
                problem: "is not set; pass a context name or run `kubectl config use-context NAME`")
        }
        guard let context = merged.contexts[contextName] else {
            let known = merged.contexts.keys.sorted().joined(separator: ", ")
            throw KubeconfigError(
                file: requested == nil ? (merged.currentContextFile ?? allFiles) : allFiles,
                field: requested == nil ? "current-context" : nil,
                problem: "context \"\(contextName)\" is not defined (known contexts: \(known.isEmpty ? "none" : known))")
        }
        guard let clusterName = context.value.cluster, !clusterName.isEmpty else {
            throw KubeconfigError(file: context.file, field: context.fieldPath + ".cluster", problem: "is required")
        }
        guard let cluster = merged.clusters[clusterName] else {
            throw KubeconfigError(
                file: context.file, field: context.fieldPath + ".cluster",
                problem: "names cluster \"\(clusterName)\", which no clusters[] entry defines")
        }
        var tls = TLSConfiguration()
        let server = try resolveCluster(cluster, into: &tls)
        var authentication = Authentication.none
        if let userName = context.value.user, !userName.isEmpty {
            guard let user = merged.users[userName] else {
                throw KubeconfigError(
                    file: context.file, field: context.fieldPath + ".user",
                    problem: "names user \"\(userName)\", which no users[] entry defines")
            }
            authentication = try resolveUser(user, into: &tls)
        }
        let namespace = context.value.namespace.flatMap { $0.isEmpty ? nil : $0 }
        return KubeConfiguration(
            server: server, tls: tls, authentication: authentication, namespace: namespace,
            origin: "kubeconfig \(allFiles) (context \(contextName))")
    }

    private func resolveCluster(
        _ cluster: KubeconfigDocument.Entry<KubeconfigDocument.Cluster>, into tls: inout TLSConfiguration
    ) throws(KubeconfigError) -> URL {
        let path = cluster.fieldPath
        guard let serverText = cluster.value.server, !serverText.isEmpty else {
            throw KubeconfigError(file: cluster.file, field: path + ".server", problem: "is required")
        }
        guard let server = URL(string: serverText), let scheme = server.scheme?.lowercased(),
            scheme == "https" || scheme == "http", server.host != nil
        else {
            throw KubeconfigError(
                file: cluster.file, field: path + ".server",
                problem: "\"\(serverText)\" is not an http(s) URL such as https://127.0.0.1:6443")
        }
        if let data = cluster.value.certificateAuthorityData, !data.isEmpty {
            let pem = try pemData(data, file: cluster.file, field: path + ".certificate-authority-data", marker: "CERTIFICATE")
            tls.certificateAuthority = .pem(pem)
        } else if let file = cluster.value.certificateAuthority, !file.isEmpty {
            tls.certificateAuthority = .file(try existingFile(file, in: cluster, field: path + ".certificate-authority"))
        }
        if cluster.value.insecureSkipTLSVerify == true {
            tls.insecureSkipVerify = true
        }
        return server
    }

    private func resolveUser(
        _ user: KubeconfigDocument.Entry<KubeconfigDocument.User>, into tls: inout TLSConfiguration
    ) throws(KubeconfigError) -> Authentication {
        let path = user.fieldPath
        let value = user.value
        if let data = value.clientCertificateData, !data.isEmpty {
            tls.clientCertificate = .pem(
                try pemData(data, file: user.file, field: path + ".client-certificate-data", marker: "CERTIFICATE"))
        } else if let file = value.clientCertificate, !file.isEmpty {
            tls.clientCertificate = .file(try existingFile(file, in: user, field: path + ".client-certificate"))
        }
        if let data = value.clientKeyData, !data.isEmpty {
            tls.clientKey = .pem(try pemData(data, file: user.file, field: path + ".client-key-data", marker: "PRIVATE KEY"))
        } else if let file = value.clientKey, !file.isEmpty {
            tls.clientKey = .file(try existingFile(file, in: user, field: path + ".client-key"))
        }
        switch (tls.clientCertificate, tls.clientKey) {
        case (.some, nil):
            throw KubeconfigError(
                file: user.file, field: path + ".client-key-data",
                problem: "is required with a client certificate (set client-key or client-key-data)")
        case (nil, .some):
            throw KubeconfigError(
                file: user.file, field: path + ".client-certificate-data",
                problem: "is required with a client key (set client-certificate or client-certificate-data)")
        default:
            break
        }
        if value.hasAuthProvider {
            throw KubeconfigError(
                file: user.file, field: path + ".auth-provider",
                problem: "auth-provider plugins are not supported; use an exec credential plugin instead")
        }
        if let exec = value.exec {
            return .exec(try resolveExec(exec, in: user))
        }
        if let file = value.tokenFile, !file.isEmpty {
            return .tokenFile(try existingFile(file, in: user, field: path + ".tokenFile"))
        }
        if let token = value.token, !token.isEmpty {
            return .bearerToken(token)
        }
        if let username = value.username, !username.isEmpty {
            return .basic(username: username, password: value.password ?? "")
        }
        return .none
    }

    private func resolveExec(
        _ exec: KubeconfigDocument.Exec, in user: KubeconfigDocument.Entry<KubeconfigDocument.User>
    ) throws(KubeconfigError) -> ExecConfiguration {
        let path = user.fieldPath + ".exec"
        guard let command = exec.command, !command.isEmpty else {
            throw KubeconfigError(file: user.file, field: path + ".command", problem: "is required")
        }
        guard let versionText = exec.apiVersion, !versionText.isEmpty else {
            throw KubeconfigError(
                file: user.file, field: path + ".apiVersion",
                problem: "is required; use client.authentication.k8s.io/v1")
        }
        guard let version = ExecConfiguration.APIVersion(rawValue: versionText) else {
            let supported = ExecConfiguration.APIVersion.allCases.map(\.rawValue).joined(separator: " or ")
            throw KubeconfigError(
                file: user.file, field: path + ".apiVersion",
                problem: "\"\(versionText)\" is not supported; use \(supported)")
        }
        // A command with a slash but not absolute is relative to the kubeconfig's folder, as in kubectl.
        var resolvedCommand = command
        if command.contains("/"), !command.hasPrefix("/") {
            resolvedCommand = resolvePath(command, relativeTo: user.file)
        }
        return ExecConfiguration(
            command: resolvedCommand,
            arguments: exec.args,
            environment: exec.env.map { ExecConfiguration.EnvironmentVariable(name: $0.name, value: $0.value) },
            apiVersion: version,
            installHint: exec.installHint,
            provideClusterInfo: exec.provideClusterInfo,
            user: user.name
        )
    }

    private func pemData(_ base64: String, file: String, field: String, marker: String) throws(KubeconfigError) -> Data {
        let compact = base64.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw KubeconfigError(file: file, field: field, problem: "is not valid base64; encode the PEM file with `base64 -w0`")
        }
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN"), text.contains(marker) else {
            throw KubeconfigError(
                file: file, field: field,
                problem: "does not decode to a PEM \(marker.lowercased()) (expected -----BEGIN ...\(marker)-----)")
        }
        return data
    }

    private func existingFile<Value>(
        _ path: String, in entry: KubeconfigDocument.Entry<Value>, field: String
    ) throws(KubeconfigError) -> String {
        let resolved = resolvePath(path, relativeTo: entry.file)
        guard environment.fileExists(resolved) else {
            throw KubeconfigError(file: entry.file, field: field, problem: "file \(resolved) does not exist")
        }
        return resolved
    }

    private func resolvePath(_ path: String, relativeTo kubeconfigFile: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment.homeDirectory {
            return (home as NSString).appendingPathComponent(String(path.dropFirst(2)))
        }
        let folder = (kubeconfigFile as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(path)
    }
}
