import COpenSSLCrypto

/// HMAC-SHA256 under one key, from the system libcrypto, which libcurl already maps into the process,
/// so no bundled crypto library adds code pages to resident memory. It holds only the key bytes and
/// each call is a one-shot libcrypto HMAC, so one value can be shared by any number of threads.
public struct HMACSHA256: Sendable {
    /// Length of an HMAC-SHA256 authentication code in bytes.
    public static let byteCount = 32

    /// The key, as given (HMAC itself hashes keys longer than the 64-byte block).
    private let key: [UInt8]

    public init(key: some Sequence<UInt8>) {
        self.key = Array(key)
    }

    /// The authentication code (32 bytes) of `message` under this key.
    public func authenticationCode(for message: some Sequence<UInt8>) -> [UInt8] {
        withContiguousBytes(of: message) { authenticationCode(for: $0) }
    }

    /// The authentication code (32 bytes) of the bytes in `message` under this key.
    public func authenticationCode(for message: UnsafeRawBufferPointer) -> [UInt8] {
        key.withUnsafeBytes { keyBuffer in
            [UInt8](unsafeUninitializedCapacity: Self.byteCount) { output, initialized in
                guard
                    tl_hmac_sha256(
                        keyBuffer.baseAddress, keyBuffer.count, message.baseAddress, message.count,
                        output.baseAddress) == 1
                else {
                    preconditionFailure("libcrypto HMAC(SHA-256) failed; the system OpenSSL is unusable")
                }
                initialized = Self.byteCount
            }
        }
    }
}
