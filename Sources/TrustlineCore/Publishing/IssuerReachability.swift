/// Whether AWS STS can fetch an issuer's discovery document and keys (docs/design.md section 11):
/// STS reads them over public HTTPS, so an issuer on a loopback, private or cluster-internal host
/// can be registered as an IAM OIDC provider and still never let a pod assume a role. Decided
/// from the URL alone (no DNS lookup): what it catches, it catches for certain.
public enum IssuerReachability: Sendable, Equatable {
    case publicHTTPS
    /// STS cannot reach it; `reason` says why, for the start-up log and the Warning event.
    case unreachable(reason: String)

    public static func classify(_ issuer: String) -> IssuerReachability {
        guard let schemeEnd = issuer.range(of: "://") else {
            return .unreachable(reason: "\(issuer) is not a URL")
        }
        let scheme = issuer[..<schemeEnd.lowerBound].lowercased()
        var rest = issuer[schemeEnd.upperBound...]
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = rest.lowercased()
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        guard scheme == "https" else {
            return .unreachable(reason: "\(issuer) is not HTTPS; STS fetches OIDC discovery over HTTPS only")
        }
        if let why = privateAddress(host) {
            return .unreachable(reason: "\(issuer) is on \(why), which AWS STS cannot reach")
        }
        if let why = internalName(host) {
            return .unreachable(reason: "\(issuer) is on \(why), which AWS STS cannot resolve")
        }
        return .publicHTTPS
    }

    private static func privateAddress(_ host: String) -> String? {
        if host == "localhost" || host.hasSuffix(".localhost") { return "a loopback host" }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        if octets.count == 4 && host.split(separator: ".").count == 4 {
            switch (octets[0], octets[1]) {
            case (127, _): return "a loopback address"
            case (10, _), (172, 16...31), (192, 168): return "a private address"
            case (100, 64...127): return "a carrier-grade NAT address"
            case (169, 254): return "a link-local address"
            case (0, _): return "an unspecified address"
            default: return nil
            }
        }
        guard host.contains(":") else { return nil }
        if host == "::1" { return "a loopback address" }
        if host == "::" { return "an unspecified address" }
        if host.hasPrefix("fc") || host.hasPrefix("fd") { return "a private (unique local) address" }
        if host.hasPrefix("fe8") || host.hasPrefix("fe9") || host.hasPrefix("fea") || host.hasPrefix("feb") { return "a link-local address" }
        return nil
    }

    private static func internalName(_ host: String) -> String? {
        guard !host.contains(":") else { return nil }
        if !host.contains(".") { return "a single-label host name" }
        for suffix in [".svc", ".cluster.local", ".local", ".internal", ".lan", ".home.arpa", ".localdomain"] where host.hasSuffix(suffix) {
            return "a cluster-internal host name (\(suffix))"
        }
        if host.hasPrefix("kubernetes.default") { return "the in-cluster API server name" }
        return nil
    }
}
