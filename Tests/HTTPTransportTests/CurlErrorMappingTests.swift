import CCurl
import Testing

@testable import HTTPTransport

@Suite("CurlErrorMapping")
struct CurlErrorMappingTests {
    @Test(arguments: [
        (CURLE_COULDNT_CONNECT, "", 111, ErrorTests.Kind.connectionRefused),
        (CURLE_COULDNT_CONNECT, "", 113, .other),
        (CURLE_COULDNT_RESOLVE_HOST, "", 0, .hostNotFound),
        (CURLE_OPERATION_TIMEDOUT, "", 0, .timeout),
        (CURLE_PEER_FAILED_VERIFICATION, "", 0, .tls),
        (CURLE_SSL_CONNECT_ERROR, "", 0, .tls),
        (CURLE_SSL_CERTPROBLEM, "", 0, .tls),
        (CURLE_RECV_ERROR, "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required", 0, .tls),
        (CURLE_RECV_ERROR, "Recv failure: Connection reset by peer", 0, .connectionReset),
        (CURLE_SEND_ERROR, "OpenSSL SSL_write: Connection reset by peer, errno 104", 0, .connectionReset),
        (CURLE_GOT_NOTHING, "", 0, .connectionReset),
        (CURLE_PARTIAL_FILE, "", 0, .connectionReset),
        (CURLE_URL_MALFORMAT, "", 0, .invalidRequest),
        (CURLE_TOO_MANY_REDIRECTS, "", 0, .other),
    ] as [(CURLcode, String, Int, ErrorTests.Kind)])
    func mapsCurlCodes(code: CURLcode, detail: String, osErrno: Int, kind: ErrorTests.Kind) {
        let error = CurlErrorMapping.error(for: code, detail: detail, osErrno: osErrno, url: "https://example.test/")

        #expect(ErrorTests.kind(of: error) == kind)
    }

    @Test func messageNamesTheURLAndCarriesLibcurlsDetailOrDescription() {
        let withDetail = CurlErrorMapping.error(for: CURLE_TOO_MANY_REDIRECTS, detail: "Maximum (3) redirects followed", osErrno: 0, url: "http://a.test/")
        let withoutDetail = CurlErrorMapping.error(for: CURLE_OPERATION_TIMEDOUT, detail: "", osErrno: 0, url: "http://a.test/")

        #expect(withDetail == .other(code: Int(CURLE_TOO_MANY_REDIRECTS.rawValue), message: "http://a.test/: Maximum (3) redirects followed"))
        #expect(withoutDetail == .timeout("http://a.test/: Timeout was reached"))
    }
}
