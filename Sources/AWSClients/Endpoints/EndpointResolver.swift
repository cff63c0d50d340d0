import Foundation

/// Resolves the IAM, STS and S3 endpoints and signing regions from the region and the SDKs' endpoint
/// override variables (`AWS_ENDPOINT_URL_<SERVICE>` over `AWS_ENDPOINT_URL`, both ignored when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`). The environment is injected so tests need no process state.
public struct EndpointResolver: Sendable {
    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Like `init(environment:)`, but throws when an override variable holds something that is not an
    /// absolute http(s) URL, or a region variable is not a region name. Call it at startup: the
    /// non-throwing resolution skips unusable overrides and treats an unusable region as absent.
    public init(validating environment: [String: String]) throws {
        self.init(environment: environment)
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            guard let value = Self.nonEmpty(environment[variable]) else { continue }
            guard Self.isValidRegion(value.lowercased()) else {
                throw EndpointResolverError.invalidRegion(variable: variable, value: value)
            }
        }
        for variable in ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"] {
            guard let value = Self.nonEmpty(environment[variable]) else { continue }
            guard Self.endpointURL(value) != nil else {
                throw EndpointResolverError.invalidEndpointURL(variable: variable, value: value)
            }
        }
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`; `nil` when neither is set (empty counts as unset).
    public static func region(environment: [String: String]) -> String? {
        nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
    }

    /// IAM: `AWS_ENDPOINT_URL_IAM` > `AWS_ENDPOINT_URL` > the partition's global endpoint. The signing
    /// region is always the partition's IAM region (us-east-1, cn-north-1, us-gov-west-1).
    public func iam(region: String?) -> AWSEndpoint {
        let region = region.flatMap(Self.usableRegion)
        let partition = region.map(AWSPartition.init(region:)) ?? .aws
        if let override = overrideURL(service: "IAM") {
            return AWSEndpoint(url: override, signingRegion: partition.iamSigningRegion)
        }
        return AWSEndpoint(url: Self.httpsURL(host: partition.iamHost), signingRegion: partition.iamSigningRegion)
    }

    /// STS: `AWS_ENDPOINT_URL_STS` > `AWS_ENDPOINT_URL` > the regional endpoint `sts.<region>.<partition suffix>`;
    /// without a region, the global endpoint `sts.amazonaws.com` signed for us-east-1.
    public func sts(region: String?) -> AWSEndpoint {
        let region = region.flatMap(Self.usableRegion)
        let signingRegion = region ?? "us-east-1"
        if let override = overrideURL(service: "STS") {
            return AWSEndpoint(url: override, signingRegion: signingRegion)
        }
        guard let region else {
            return AWSEndpoint(url: Self.httpsURL(host: "sts.amazonaws.com"), signingRegion: "us-east-1")
        }
        let host = "sts.\(region).\(AWSPartition(region: region).dnsSuffix)"
        return AWSEndpoint(url: Self.httpsURL(host: host), signingRegion: region)
    }

    /// S3: `AWS_ENDPOINT_URL_S3` > `AWS_ENDPOINT_URL`, addressed path-style (an emulator or gateway
    /// serves every bucket on one host); else the regional endpoint `s3.<region>.<partition suffix>`,
    /// addressed virtual-hosted. Signed for the region (us-east-1 without one): S3 checks it.
    public func s3(region: String?) -> (endpoint: AWSEndpoint, addressing: S3Addressing) {
        let region = region.flatMap(Self.usableRegion) ?? "us-east-1"
        if let override = overrideURL(service: "S3") {
            return (AWSEndpoint(url: override, signingRegion: region), .pathStyle)
        }
        let host = "s3.\(region).\(AWSPartition(region: region).dnsSuffix)"
        return (AWSEndpoint(url: Self.httpsURL(host: host), signingRegion: region), .virtualHosted)
    }

    private func overrideURL(service: String) -> URL? {
        if Self.nonEmpty(environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"])?.lowercased() == "true" { return nil }
        for variable in ["AWS_ENDPOINT_URL_\(service)", "AWS_ENDPOINT_URL"] {
            if let value = Self.nonEmpty(environment[variable]), let url = Self.endpointURL(value) {
                return url
            }
        }
        return nil
    }

    /// An absolute http(s) URL with a host, or `nil`.
    static func endpointURL(_ value: String) -> URL? {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host(percentEncoded: true), !host.isEmpty
        else { return nil }
        return url
    }

    private static func httpsURL(host: String) -> URL {
        var components = URLComponents()
        components.scheme = "https"
        components.host = host
        components.path = "/"
        // A scheme, a DNS host and "/" always form a URL; the fallback only satisfies the type system.
        return components.url ?? URL(fileURLWithPath: "/")
    }

    /// Region names are lower-case letters, digits and `-` (for example `us-gov-west-1`).
    static func isValidRegion(_ region: String) -> Bool {
        !region.isEmpty && region.utf8.count <= 64
            && region.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The trimmed, lower-cased region when it is a valid name, else `nil`.
    private static func usableRegion(_ region: String) -> String? {
        guard let region = nonEmpty(region)?.lowercased(), isValidRegion(region) else { return nil }
        return region
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
