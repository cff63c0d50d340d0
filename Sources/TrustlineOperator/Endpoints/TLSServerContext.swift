import COpenSSLTLS

/// One loaded certificate chain and key, ready to accept TLS connections: an OpenSSL `SSL_CTX`
/// of the system libssl (docs/pod-identity-webhook.md, "The server"). Made once per key pair;
/// a rotation makes a new one and connections already open keep theirs until they end.
///
/// `@unchecked Sendable`: the context is configured completely inside `init` and never changed
/// afterwards; OpenSSL documents an `SSL_CTX` as safe to share between threads that only create
/// `SSL` objects from it (`SSL_new` takes its own reference under the context's lock), and
/// `deinit` runs once no connection holds this object any more.
final class TLSServerContext: @unchecked Sendable {
    /// Why a key pair could not be loaded, in OpenSSL's words.
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    let context: OpaquePointer

    /// Loads `certificateChain` (PEM, leaf first) and `privateKey` (PEM); fails when either does
    /// not parse or the key does not belong to the certificate.
    init(certificateChain: [UInt8], privateKey: [UInt8]) throws(LoadFailure) {
        var message = [CChar](repeating: 0, count: 256)
        let made = certificateChain.withUnsafeBytes { chain in
            privateKey.withUnsafeBytes { key in
                tl_tls_server_context(chain.baseAddress, chain.count, key.baseAddress, key.count, &message, message.count)
            }
        }
        guard let made else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LoadFailure(description: text.isEmpty ? "OpenSSL refused the certificate and key" : text)
        }
        context = made
    }

    deinit {
        SSL_CTX_free(context)
    }
}
