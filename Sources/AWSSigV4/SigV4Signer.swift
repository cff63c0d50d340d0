import Digests
import Foundation

/// Options that change what the signer adds and signs, beyond the request itself.
public struct SigV4SigningOptions: Sendable, Equatable {
    /// Add and sign `x-amz-content-sha256` (S3 and some services require it; IAM and STS do not).
    public var includeContentSHA256: Bool
    /// Sign `X-Amz-Security-Token` (the default). When `false` the token header is still added, after
    /// signing, as a few services expect.
    public var signSessionToken: Bool
    /// Remove `.`, `..` and empty path segments before encoding (the default, what every service but S3
    /// expects). `false` keeps the path exactly as sent, as S3 does.
    public var normalizePath: Bool

    public init(includeContentSHA256: Bool = false, signSessionToken: Bool = true, normalizePath: Bool = true) {
        self.includeContentSHA256 = includeContentSHA256
        self.signSessionToken = signSessionToken
        self.normalizePath = normalizePath
    }
}

/// Every intermediate product of one signing, so tests (and debugging of `SignatureDoesNotMatch`)
/// can compare each step with what AWS computed. The canonical request and string to sign are kept
/// as bytes and only turned into strings when read.
public struct SigV4SigningResult: Sendable {
    let canonicalRequestBytes: [UInt8]
    let stringToSignBytes: [UInt8]
    public var canonicalRequest: String { String(decoding: canonicalRequestBytes, as: UTF8.self) }
    public var stringToSign: String { String(decoding: stringToSignBytes, as: UTF8.self) }
    /// Hex HMAC-SHA256 signature.
    public var signature: String
    /// `;`-separated lower-case names of the signed headers.
    public var signedHeaders: String
    /// Headers to add to the request, in this order: `X-Amz-Security-Token` (when there is a token),
    /// `X-Amz-Date`, `x-amz-content-sha256` (when asked for), `Authorization`.
    public var headers: [(String, String)]
}

/// AWS Signature Version 4 header signing for one service in one region. Pure: the time and the
/// credentials are inputs, so retries can re-sign with a skew-corrected clock and tests are exact.
public struct SigV4Signer: Sendable {
    public let service: String
    public let region: String
    /// `/<region>/<service>/aws4_request\n`, appended to the day to form the credential scope line.
    private let scopeSuffixLine: [UInt8]
    private let keyCache: SigningKeyCache

    static let algorithm = "AWS4-HMAC-SHA256"
    private static let algorithmLine = Array("AWS4-HMAC-SHA256\n".utf8)
    private static let amzDateName = Array("x-amz-date".utf8)
    private static let securityTokenName = Array("x-amz-security-token".utf8)
    private static let contentSHA256Name = Array("x-amz-content-sha256".utf8)

    public init(service: String, region: String) {
        self.service = service
        self.region = region
        self.scopeSuffixLine = Array("/\(region)/\(service)/aws4_request\n".utf8)
        self.keyCache = SigningKeyCache()
    }

    /// Signs `request` at `date` and returns every intermediate product and the headers to add.
    /// Headers the signer writes itself (`Authorization`, `X-Amz-Date`, `X-Amz-Security-Token`, and
    /// `x-amz-content-sha256` when included) are ignored in `request.headers`, so a request can be re-signed.
    public func sign(
        _ request: SigV4Request, credentials: AWSCredentials, date: Date,
        options: SigV4SigningOptions = SigV4SigningOptions()
    ) -> SigV4SigningResult {
        let (amzDate, day) = SigV4Encoding.timestamps(for: date)
        let payloadHash = SigV4Encoding.hex(request.body.withUnsafeBytes(Self.sha256))
        let token = credentials.sessionToken

        var headers: [SigV4Canonicalizer.Header] = []
        headers.reserveCapacity(request.headers.count + 3)
        for (name, value) in request.headers {
            let lowered = SigV4Canonicalizer.lowercasedASCII(name)
            if lowered == Self.amzDateName || lowered == Self.securityTokenName
                || (options.includeContentSHA256 && lowered == Self.contentSHA256Name)
                || SigV4Canonicalizer.isUnsignable(lowered)
            {
                continue
            }
            headers.append(.init(name: lowered, value: SigV4Canonicalizer.canonicalValue(value)))
        }
        headers.append(.init(name: Self.amzDateName, value: Array(amzDate.utf8)))
        if let token, options.signSessionToken {
            headers.append(.init(name: Self.securityTokenName, value: SigV4Canonicalizer.canonicalValue(token)))
        }
        if options.includeContentSHA256 {
            headers.append(.init(name: Self.contentSHA256Name, value: Array(payloadHash.utf8)))
        }

        var canonical: [UInt8] = []
        canonical.reserveCapacity(512 + request.path.utf8.count + request.query.utf8.count)
        canonical.append(contentsOf: request.method.utf8)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonicalizer.appendCanonicalURI(path: request.path, normalize: options.normalizePath, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        SigV4Canonicalizer.appendCanonicalQuery(request.query, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        let signedHeaderBytes = SigV4Canonicalizer.appendCanonicalHeaders(headers, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaderBytes)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: payloadHash.utf8)

        // AWS4-HMAC-SHA256\n<amz date>\n<day>/<region>/<service>/aws4_request\n<hex sha256 of canonical>
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(Self.algorithmLine.count + 17 + 8 + scopeSuffixLine.count + 64)
        stringToSign.append(contentsOf: Self.algorithmLine)
        stringToSign.append(contentsOf: amzDate.utf8)
        stringToSign.append(UInt8(ascii: "\n"))
        stringToSign.append(contentsOf: day.utf8)
        stringToSign.append(contentsOf: scopeSuffixLine)
        SigV4Encoding.appendHex(canonical.withUnsafeBytes(Self.sha256), to: &stringToSign)

        let mac = keyCache.keyedHMAC(
            secretAccessKey: credentials.secretAccessKey, day: day, region: region, service: service)
        let signature = SigV4Encoding.hex(stringToSign.withUnsafeBytes { mac.authenticationCode(for: $0) })
        let signedHeaders = String(decoding: signedHeaderBytes, as: UTF8.self)

        var authorization: [UInt8] = []
        authorization.reserveCapacity(200 + credentials.accessKeyId.utf8.count + signedHeaderBytes.count)
        authorization.append(contentsOf: Self.algorithm.utf8)
        authorization.append(contentsOf: " Credential=".utf8)
        authorization.append(contentsOf: credentials.accessKeyId.utf8)
        authorization.append(UInt8(ascii: "/"))
        authorization.append(contentsOf: day.utf8)
        authorization.append(contentsOf: scopeSuffixLine.dropLast())  // without the newline
        authorization.append(contentsOf: ", SignedHeaders=".utf8)
        authorization.append(contentsOf: signedHeaderBytes)
        authorization.append(contentsOf: ", Signature=".utf8)
        authorization.append(contentsOf: signature.utf8)

        var added: [(String, String)] = []
        added.reserveCapacity(4)
        if let token { added.append(("X-Amz-Security-Token", token)) }
        added.append(("X-Amz-Date", amzDate))
        if options.includeContentSHA256 { added.append(("x-amz-content-sha256", payloadHash)) }
        added.append(("Authorization", String(decoding: authorization, as: UTF8.self)))
        return SigV4SigningResult(
            canonicalRequestBytes: canonical,
            stringToSignBytes: stringToSign,
            signature: signature,
            signedHeaders: signedHeaders,
            headers: added
        )
    }

    /// Returns the headers to add (`X-Amz-Security-Token` when a session token is set, `X-Amz-Date`,
    /// `x-amz-content-sha256` only when `includeContentSHA256` is true, `Authorization`), computed over
    /// the given method/url/headers/body at `date`. `Host` is derived from `url` when `headers` lacks it.
    public func signatureHeaders(
        method: String, url: URL, headers: [(String, String)], body: Data,
        credentials: AWSCredentials, date: Date, includeContentSHA256: Bool = false
    ) -> [(String, String)] {
        sign(method: method, url: url, headers: headers, body: body, credentials: credentials, date: date,
             includeContentSHA256: includeContentSHA256).headers
    }

    /// SHA-256 through the non-generic entry point, over the caller's own storage (no copy).
    private static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        SHA256Digest.hash(bytes)
    }

    private func sign(
        method: String, url: URL, headers: [(String, String)], body: Data,
        credentials: AWSCredentials, date: Date, includeContentSHA256: Bool
    ) -> SigV4SigningResult {
        sign(
            SigV4Request(method: method, url: url, headers: headers, body: body),
            credentials: credentials, date: date,
            options: SigV4SigningOptions(includeContentSHA256: includeContentSHA256)
        )
    }
}
