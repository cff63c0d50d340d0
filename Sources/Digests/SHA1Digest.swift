import COpenSSLCrypto

/// SHA-1 (for certificate thumbprints, which IAM names by SHA-1) from the system libcrypto, which
/// libcurl already maps into the process, so no bundled crypto library adds code pages to resident memory.
public enum SHA1Digest {
    /// Length of a SHA-1 digest in bytes.
    public static let byteCount = 20

    /// The SHA-1 digest (20 bytes) of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        withContiguousBytes(of: bytes) { hash($0) }
    }

    /// The SHA-1 digest (20 bytes) of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: byteCount) { output, initialized in
            guard tl_sha1(buffer.baseAddress, buffer.count, output.baseAddress) == 1 else {
                preconditionFailure("libcrypto EVP_Digest(SHA-1) failed; the system OpenSSL is unusable")
            }
            initialized = byteCount
        }
    }
}
