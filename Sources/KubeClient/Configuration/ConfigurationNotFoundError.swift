/// No Kubernetes configuration was found anywhere the search looked. Lists every place in the
/// order tried and why it gave nothing, so the user sees which one they meant to use and what
/// it lacks.
public struct ConfigurationNotFoundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line per place, in search order, e.g. `KUBECONFIG: not set`.
    public var tried: [String]

    public init(tried: [String]) {
        self.tried = tried
    }

    public var description: String {
        let steps = tried.enumerated().map { "(\($0.offset + 1)) \($0.element)" }.joined(separator: "; ")
        return "no Kubernetes configuration found; tried, in order: \(steps). Pass --kubeconfig FILE, set KUBECONFIG,"
            + " create ~/.kube/config, or run in a pod with a mounted ServiceAccount token"
    }
}
