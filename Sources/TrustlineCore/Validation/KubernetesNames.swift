/// Kubernetes name rules, as the API server applies them: RFC 1123 labels for namespaces, RFC
/// 1123 subdomains for object names (custom resources and ServiceAccounts alike). The operator
/// must accept every name the API server accepts, or a valid object is refused with a message
/// whose rule it meets.
public enum KubernetesNames {
    /// The longest label (a namespace name).
    public static let labelMaxLength = 63
    /// The longest subdomain (an object name).
    public static let subdomainMaxLength = 253

    /// Lower-case alphanumerics and `-`, starting and ending alphanumeric, at most 63.
    public static func isLabel(_ text: String) -> Bool {
        text.unicodeScalars.count <= labelMaxLength && isLabelExceptLength(text)
    }

    /// Labels joined by `.`, at most 253 in all. The API server bounds only the whole name, not
    /// each label: its subdomain pattern is `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`
    /// plus the 253 limit, so a name with a 100-character label is a valid object name.
    public static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.count <= subdomainMaxLength else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabelExceptLength(String($0)) }
    }

    /// What `isSubdomain` checks, in words for error messages.
    public static let subdomainRule =
        "lower-case letters, digits, - and ., each dot-separated part starting and ending with a letter or digit, at most 253 characters"

    private static func isLabelExceptLength(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        let alnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard let first = scalars.first, let last = scalars.last, alnum(first), alnum(last) else { return false }
        return scalars.allSatisfy { alnum($0) || $0 == "-" }
    }
}
