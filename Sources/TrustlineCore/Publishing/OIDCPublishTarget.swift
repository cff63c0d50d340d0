/// Checks of the OIDC publishing settings (docs/design.md section 11), made when the settings load
/// so a typo in the bucket or prefix is named at start instead of surfacing as an S3 signature or
/// DNS failure at the first write.
public enum OIDCPublishTarget {
    /// Why `bucket` is not an S3 bucket name, or nil. S3's general purpose bucket rules: 3 to 63
    /// characters of lower-case letters, digits, `-` and `.`, starting and ending with a letter or
    /// digit, no `..`, not shaped like an IP address. A dot also breaks the issuer's TLS: the
    /// virtual-hosted name `a.b.s3.REGION.amazonaws.com` is not covered by S3's wildcard
    /// certificate, so STS could not fetch the documents; with `explicitIssuer` (a CloudFront host
    /// in front of the bucket) that does not matter and a dot is allowed.
    public static func bucketProblem(_ bucket: String, explicitIssuer: Bool = false) -> String? {
        let rule = "use 3 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
        let scalars = bucket.unicodeScalars
        guard (3...63).contains(scalars.count) else {
            return "\"\(bucket)\" is \(scalars.count) characters long: \(rule)"
        }
        if let bad = scalars.first(where: { !(("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") }) {
            return "\"\(bucket)\" contains \"\(bad)\", which S3 bucket names cannot hold: \(rule)"
        }
        if scalars.first == "-" || scalars.last == "-" || scalars.first == "." || scalars.last == "." {
            return "\"\(bucket)\" must start and end with a letter or digit: \(rule)"
        }
        let parts = bucket.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return "\"\(bucket)\" is shaped like an IP address, which S3 bucket names may not be: \(rule)"
        }
        if bucket.contains("..") {
            return "\"\(bucket)\" contains \"..\": \(rule)"
        }
        if bucket.contains("."), !explicitIssuer {
            return "\"\(bucket)\" contains a dot: S3's TLS certificate does not cover https://\(bucket).s3.REGION.amazonaws.com, so AWS STS could not fetch the published issuer; \(rule), or set oidcIssuer to a host you serve the bucket from (CloudFront)"
        }
        return nil
    }

    /// Why `prefix` cannot be the key prefix (and issuer path), or nil: no `.` or `..` segment
    /// (S3 keeps them, but the issuer URL would normalize them away and no longer name the
    /// objects), no characters outside a URL path's unreserved set and `/`.
    public static func prefixProblem(_ prefix: String) -> String? {
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: true)
        if segments.contains(where: { $0 == ".." || $0 == "." }) {
            return "\"\(prefix)\" has a \".\" or \"..\" segment, which the issuer URL would resolve away; use plain path segments like clusters/prod"
        }
        let allowed = { (scalar: Unicode.Scalar) in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "-._~/".unicodeScalars.contains(scalar)
        }
        if let bad = prefix.unicodeScalars.first(where: { !allowed($0) }) {
            return "\"\(prefix)\" contains \"\(bad)\"; the prefix is also the issuer's URL path: use letters, digits, '-', '.', '_', '~' and '/'"
        }
        return nil
    }
}
