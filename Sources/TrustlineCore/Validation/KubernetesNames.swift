/// Kubernetes name rules: RFC 1123 labels (namespaces) and subdomains (object names).
public enum KubernetesNames {
    /// Lower-case alphanumerics and `-`, starting and ending alphanumeric, at most 63.
    public static func isLabel(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 63 else { return false }
        let alnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard let first = scalars.first, let last = scalars.last, alnum(first), alnum(last) else { return false }
        return scalars.allSatisfy { alnum($0) || $0 == "-" }
    }

    /// Dot-separated labels, at most 253.
    public static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
    }
}
