/// A kubeconfig (or in-cluster setup) that cannot be used, naming the file, the field path
/// (e.g. `users[0].user.client-key-data`) and what is wrong, so the user can fix it directly.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault, when there is one.
    public var file: String?
    /// The field path within the file, when the problem is one field.
    public var field: String?
    /// What is wrong and what to do.
    public var problem: String

    public init(file: String?, field: String?, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var text = "kubeconfig"
        if let file { text += " \(file)" }
        if let field { text += ": \(field)" }
        return text + ": " + problem
    }
}
