import Foundation
import KubeModels

/// The two objects OIDC publishing puts in S3 for a self-managed cluster (docs/design.md
/// section 11), derived from what the API server serves: its discovery document with the
/// published issuer and `jwks_uri` put in, and its JWKS as it is. Pure, so what is written (and
/// when a rewrite is due) is decided without I/O; the publisher compares these documents with what
/// the bucket holds and writes only those that differ.
public struct OIDCPublication: Sendable, Equatable {
    /// One object to put, always `application/json`.
    public struct Object: Sendable, Equatable {
        public var key: String
        public var document: JSONValue
        public var contentType: String { "application/json" }

        /// The bytes written: keys sorted and slashes unescaped, so the same document always
        /// makes the same bytes (and the same ETag).
        public var body: Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // A JSONValue always encodes (finite numbers only come from decoded JSON).
            return (try? encoder.encode(document)) ?? Data()
        }
    }

    public var issuer: String
    public var discovery: Object
    public var jwks: Object
    public var objects: [Object] { [discovery, jwks] }

    /// The issuer a bucket publishes: `https://BUCKET.s3.REGION.SUFFIX` plus `/PREFIX`, unless
    /// `explicitIssuer` (`--oidc-issuer`, e.g. a CloudFront host in front of the bucket) names another.
    public static func issuer(bucket: String, prefix: String, region: String, explicitIssuer: String?) -> String {
        if let explicitIssuer, !explicitIssuer.isEmpty { return trimmed(explicitIssuer) }
        let suffix = RenderingContext.partition(forRegion: region) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"
        let path = normalizedPrefix(prefix)
        return "https://\(bucket).s3.\(region).\(suffix)" + (path.isEmpty ? "" : "/" + String(path.dropLast()))
    }

    /// `p/` for `p`, `/p/` or `p/`; empty for none.
    public static func normalizedPrefix(_ prefix: String) -> String {
        let inner = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return inner.isEmpty ? "" : inner + "/"
    }

    /// Checks the API server's issuer against the published one, then renders both objects.
    /// - Parameters:
    ///   - apiServerDiscovery: the API server's `/.well-known/openid-configuration`.
    ///   - apiServerJWKS: the API server's `/openid/v1/jwks`.
    public static func render(
        issuer: String, prefix: String, apiServerDiscovery: JSONValue, apiServerJWKS: JSONValue
    ) throws(OIDCPublicationError) -> OIDCPublication {
        guard case .object(var discovery) = apiServerDiscovery else {
            throw .unreadableDiscovery("the API server's /.well-known/openid-configuration is not a JSON object")
        }
        guard case .string(let served)? = discovery["issuer"] else {
            throw .unreadableDiscovery("the API server's /.well-known/openid-configuration has no \"issuer\"")
        }
        guard trimmed(served) == trimmed(issuer) else {
            throw .issuerMismatch(apiServer: served, published: trimmed(issuer))
        }
        guard case .object(let keySet) = apiServerJWKS, case .array(let keys)? = keySet["keys"], !keys.isEmpty else {
            throw .unreadableJWKS("the API server's /openid/v1/jwks holds no \"keys\"; is service account token signing configured?")
        }
        let published = trimmed(issuer)
        discovery["issuer"] = .string(published)
        discovery["jwks_uri"] = .string(published + "/openid/v1/jwks")
        let path = normalizedPrefix(prefix)
        return OIDCPublication(
            issuer: published,
            discovery: Object(key: path + ".well-known/openid-configuration", document: .object(discovery)),
            jwks: Object(key: path + "openid/v1/jwks", document: apiServerJWKS))
    }

    private static func trimmed(_ issuer: String) -> String {
        var text = Substring(issuer)
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

/// Why OIDC publishing cannot go on; each message says what to do.
public enum OIDCPublicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The API server signs tokens for another issuer than the one published: STS would refuse them.
    case issuerMismatch(apiServer: String, published: String)
    case unreadableDiscovery(String)
    case unreadableJWKS(String)

    public var description: String {
        switch self {
        case let .issuerMismatch(apiServer, published):
            return "the API server issues service account tokens for \(apiServer), but the published issuer is \(published): "
                + "start the API server with --service-account-issuer=\(published) (listed first; keep \(apiServer) as a further "
                + "--service-account-issuer while tokens issued for it are in use) and --service-account-jwks-uri=\(published)/openid/v1/jwks"
        case let .unreadableDiscovery(message), let .unreadableJWKS(message):
            return message
        }
    }
}
