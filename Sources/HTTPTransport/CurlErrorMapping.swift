import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Translates libcurl result codes into `HTTPTransportError`, so callers can tell a refused
/// connection from a TLS failure from a timeout without knowing libcurl.
enum CurlErrorMapping {
    /// - Parameters:
    ///   - code: the transfer's result.
    ///   - detail: libcurl's error buffer for the transfer (may be empty).
    ///   - osErrno: `CURLINFO_OS_ERRNO` of the failed connect, 0 if unknown.
    ///   - url: the request URL, named in messages.
    static func error(for code: CURLcode, detail: String, osErrno: Int, url: String) -> HTTPTransportError {
        let message = "\(url): \(detail.isEmpty ? describe(code) : detail)"
        switch code {
        case CURLE_COULDNT_CONNECT:
            if osErrno == 0 || osErrno == Int(ECONNREFUSED) { return .connectionRefused(message) }
            return .other(code: Int(code.rawValue), message: message)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .hostNotFound(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls(message)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            // Under TLS 1.3 a server that rejects the client certificate does so after the
            // client considers the handshake done: the failure surfaces as a read error
            // carrying the TLS alert. That is a TLS failure, not a reset.
            if isTLSAlert(detail) { return .tls(message) }
            return .connectionReset(message)
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionReset(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest(message)
        default:
            return .other(code: Int(code.rawValue), message: message)
        }
    }

    static func describe(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)"
    }

    /// OpenSSL reports alerts from the peer as "... alert ..." inside an "SSL routines" error.
    static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains("SSL routines") || detail.contains(" alert ")
    }
}
