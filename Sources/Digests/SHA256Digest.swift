import COpenSSLCrypto

/// SHA-256 from the system libcrypto, which libcurl already maps into the process: using it instead
/// of a bundled crypto library keeps the operator's code pages, and so its resident memory, small.
public enum SHA256Digest {
    /// Length of a SHA-256 digest in bytes.
    public static let byteCount = 32

    /// The SHA-256 digest (32 bytes) of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        withContiguousBytes(of: bytes) { hash($0) }
    }

    /// The SHA-256 digest (32 bytes) of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: byteCount) { output, initialized in
            guard tl_sha256(buffer.baseAddress, buffer.count, output.baseAddress) == 1 else {
                preconditionFailure("libcrypto EVP_Digest(SHA-256) failed; the system OpenSSL is unusable")
            }
            initialized = byteCount
        }
    }
}
