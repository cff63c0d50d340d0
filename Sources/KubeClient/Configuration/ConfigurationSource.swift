/// Where a `KubeConfiguration` is loaded from, and the rule that picks it. An explicit kubeconfig
/// path always wins, so a `--kubeconfig` flag is never silently ignored; in a pod the in-cluster
/// settings come next, ahead of `KUBECONFIG`; otherwise `KUBECONFIG`, then `~/.kube/config`.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    /// A kubeconfig file the caller named (`--kubeconfig`); used, or its error reported, whatever
    /// else is set.
    case explicitFile(String)
    /// Running in a pod: `KUBERNETES_SERVICE_HOST`/`PORT` and the mounted ServiceAccount token.
    case inCluster(InClusterPaths)
    /// The files `KUBECONFIG` lists, merged as kubectl merges them (missing ones skipped).
    case environmentFiles([String])
    /// `~/.kube/config`.
    case homeFile(String)

    /// Picks the source, in this order:
    /// 1. `kubeconfigPath` when given (not empty), even in a pod and even if the file is missing;
    /// 2. the in-cluster settings when running in a pod (`KUBERNETES_SERVICE_HOST` and
    ///    `KUBERNETES_SERVICE_PORT` set and the ServiceAccount token file present), unless a
    ///    `context` is requested: contexts exist only in kubeconfig files;
    /// 3. `KUBECONFIG` when set; when none of its files exist the search stops there, as in
    ///    kubectl, rather than fall back to another cluster's `~/.kube/config`;
    /// 4. `~/.kube/config` when it exists.
    ///
    /// Throws `ConfigurationNotFoundError` listing each step and why it gave nothing.
    public static func select(
        kubeconfigPath: String?,
        context: String? = nil,
        environment: ConfigurationEnvironment,
        inClusterPaths: InClusterPaths = .standard
    ) throws(ConfigurationNotFoundError) -> ConfigurationSource {
        if let kubeconfigPath, !kubeconfigPath.isEmpty {
            return .explicitFile(kubeconfigPath)
        }
        var tried = ["--kubeconfig: not given"]

        if let context {
            tried.append("in-cluster: skipped, context \"\(context)\" was requested and only kubeconfig files define contexts")
        } else if let notInPod = InClusterConfiguration.reasonNotInPod(environment: environment, paths: inClusterPaths) {
            tried.append("in-cluster: \(notInPod)")
        } else {
            return .inCluster(inClusterPaths)
        }

        let loader = KubeconfigLoader(environment: environment)
        let home = loader.defaultPath()
        if let files = loader.filesFromEnvironment() {
            if files.contains(where: environment.fileExists) {
                return .environmentFiles(files)
            }
            let listed = files.joined(separator: ":")
            tried.append("KUBECONFIG=\(listed): \(files.count == 1 ? "the file does not exist" : "none of these files exist")")
            tried.append("\(home): not read, because KUBECONFIG is set (as in kubectl)")
            throw ConfigurationNotFoundError(tried: tried)
        }
        tried.append("KUBECONFIG: not set")

        if environment.fileExists(home) {
            return .homeFile(home)
        }
        tried.append("\(home): does not exist")
        throw ConfigurationNotFoundError(tried: tried)
    }

    /// For logs: `--kubeconfig /path`, `in-cluster`, `KUBECONFIG=/a:/b`, `~/.kube/config (/path)`.
    public var description: String {
        switch self {
        case .explicitFile(let path): "--kubeconfig \(path)"
        case .inCluster: "in-cluster"
        case .environmentFiles(let files): "KUBECONFIG=\(files.joined(separator: ":"))"
        case .homeFile(let path): "~/.kube/config (\(path))"
        }
    }
}
