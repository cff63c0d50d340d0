import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the container credential provider fetches from, resolved from the environment the way the AWS SDKs
/// do: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (ECS, against 169.254.170.2) wins over
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity, ECS Anywhere). The full URI may only be https,
/// or plain http to a loopback address or a container metadata address, because the provider sends its
/// authorization token there.
public struct ContainerCredentialEndpoint: Sendable, Equatable {
    public static let relativeURIVariable = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
    public static let fullURIVariable = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
    /// The ECS task metadata address that relative URIs are resolved against.
    public static let ecsHost = "169.254.170.2"
    /// Hosts that plain http may reach besides loopback: ECS (IPv4) and EKS Pod Identity (IPv4, IPv6).
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    public var url: URL
    /// The variable the URL came from, named in errors.
    public var variable: String

    /// The endpoint, `nil` when neither variable is set (the provider is not configured).
    static func resolve(environment: [String: String]) throws(CredentialProviderError) -> ContainerCredentialEndpoint? {
        if let relative = nonEmpty(environment[relativeURIVariable]) {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: "http://\(ecsHost)\(path)") else {
                throw .credentialEndpointRejected(
                    variable: relativeURIVariable, url: relative, reason: "it is not a valid URL path")
            }
            return ContainerCredentialEndpoint(url: url, variable: relativeURIVariable)
        }
        guard let full = nonEmpty(environment[fullURIVariable]) else { return nil }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = Self.host(of: url) else {
            throw .credentialEndpointRejected(
                variable: fullURIVariable, url: full, reason: "it is not an absolute http or https URL with a host")
        }
        switch scheme {
        case "https":
            break
        case "http":
            guard isLoopback(host) || allowedHTTPHosts.contains(host.lowercased()) else {
                throw .credentialEndpointRejected(
                    variable: fullURIVariable, url: full,
                    reason: "plain http to host '\(host)' is refused because the authorization token would travel unencrypted")
            }
        default:
            throw .credentialEndpointRejected(
                variable: fullURIVariable, url: full, reason: "the scheme '\(scheme)' is neither http nor https")
        }
        return ContainerCredentialEndpoint(url: url, variable: fullURIVariable)
    }

    /// The URL's host without IPv6 brackets.
    static func host(of url: URL) -> String? {
        guard var host = url.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// A literal loopback address: 127.0.0.0/8 or ::1 (host names other than `localhost` are not resolved).
    static func isLoopback(_ host: String) -> Bool {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
