import AWSSigV4
import Foundation

/// How an S3 request names its bucket (docs/design.md section 11): in the path
/// (`https://endpoint/bucket/key`, used when `AWS_ENDPOINT_URL_S3` names an endpoint, such as
/// moto or a private gateway, and for bucket names with dots, which a virtual host's TLS
/// certificate cannot cover) or in the host (`https://bucket.s3.region.amazonaws.com/key`, what
/// AWS recommends).
public enum S3Addressing: Sendable, Equatable {
    case pathStyle
    case virtualHosted
}

/// Where one object request goes: the URL sent on the wire and the path SigV4 signs. S3 signs the
/// path as sent, without normalizing `.` or `..` segments and without encoding it twice, so the
/// signed path is the raw one and the wire path is it encoded once with SigV4's own set.
struct S3ObjectLocation: Sendable, Equatable {
    var url: URL
    /// The decoded path (`/bucket/key` or `/key`), as the signer canonicalizes it.
    var signingPath: String

    /// - Parameters:
    ///   - endpoint: the service URL: an override (`http://127.0.0.1:5000`) or `https://s3.REGION.SUFFIX`.
    ///   - key: the object key without a leading `/`; empty for the bucket itself.
    static func make(endpoint: URL, addressing: S3Addressing, bucket: String, key: String) throws(AWSClientError) -> S3ObjectLocation {
        try S3BucketName.validate(bucket)
        guard let scheme = endpoint.scheme, let host = endpoint.host(percentEncoded: true), !host.isEmpty else {
            throw .invalidInput(field: "endpoint", reason: "\(endpoint) has no scheme or host")
        }
        var basePath = endpoint.path(percentEncoded: false)
        while basePath.hasSuffix("/") { basePath.removeLast() }
        let virtual = addressing == .virtualHosted && !bucket.contains(".")
        let objectPath = key.isEmpty ? "" : "/" + key
        let signingPath = virtual ? basePath + (objectPath.isEmpty ? "/" : objectPath) : basePath + "/" + bucket + objectPath
        let authority = (virtual ? "\(bucket).\(host)" : host) + (endpoint.port.map { ":\($0)" } ?? "")
        guard let url = URL(string: "\(scheme)://\(authority)\(SigV4PathEncoding.encode(signingPath))") else {
            throw .invalidInput(field: "key", reason: "\"\(key)\" does not form a URL with bucket \(bucket)")
        }
        return S3ObjectLocation(url: url, signingPath: signingPath)
    }
}

/// S3's bucket naming rules, checked before any request so a typo in `oidcPublishBucket` is named
/// as such instead of coming back as a DNS or signature failure.
enum S3BucketName {
    static func validate(_ bucket: String) throws(AWSClientError) {
        let allowed = bucket.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
        guard (3...63).contains(bucket.count), allowed,
              let first = bucket.unicodeScalars.first, let last = bucket.unicodeScalars.last,
              first != "-" && first != ".", last != "-" && last != ".", !bucket.contains("..")
        else {
            throw .invalidInput(
                field: "bucket",
                reason: "\"\(bucket)\" is not an S3 bucket name: 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit")
        }
    }
}
