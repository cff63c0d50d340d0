import CCurl
import Foundation

/// One request in flight: it configures a borrowed easy handle, receives libcurl's header and
/// body callbacks, and resumes the caller exactly once. Lives only on the multi thread (created,
/// called back and completed there), so its mutable state needs no lock.
final class CurlTransfer {
    let easy: CurlEasyHandle
    let ticket: TransferTicket
    private let sink: TransferSink
    private let request: HTTPRequest
    private let url: String
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headParser = ResponseHeadParser()
    private var body = Data()
    private var lineSplitter = LineSplitter()
    private var headDelivered = false
    private var isFinished = false

    init(easy: CurlEasyHandle, submission: TransferSubmission) {
        self.easy = easy
        self.ticket = submission.ticket
        self.sink = submission.sink
        self.request = submission.request
        self.url = submission.request.url.absoluteString
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    // MARK: Configuration

    /// Applies the request and the client's TLS settings to the easy handle.
    func configure(settings: CurlClientSettings) throws(HTTPTransportError) {
        let easy = self.easy.raw
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidRequest("URL \(url): scheme must be http or https")
        }
        // Only http(s) reaches libcurl (checked above) and redirects are not followed, so no
        // other protocol can be used; CURLOPT_PROTOCOLS_STR would need libcurl 7.85.
        try set(CURLOPT_URL, url)
        // Send the path exactly as built (and signed): no squashing of "/./" or "/../".
        try set(CURLOPT_PATH_AS_IS, 1)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try set(CURLOPT_PIPEWAIT, 1)
        // Long watches may be silent for minutes: probe idle connections so a vanished peer
        // surfaces as an error instead of a stream that never ends.
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_TCP_KEEPIDLE, 30)
        try set(CURLOPT_TCP_KEEPINTVL, 15)
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        if settings.verbose { try set(CURLOPT_VERBOSE, 1) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
        if let timeout = request.timeout {
            guard timeout > .zero else {
                throw .invalidRequest("HTTPRequest.timeout must be positive, or nil for no timeout; got \(timeout)")
            }
            try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
        }

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        try check(tl_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback), CURLOPT_HEADERFUNCTION)
        try check(tl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata), CURLOPT_HEADERDATA)
        try check(tl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback), CURLOPT_WRITEFUNCTION)
        try check(tl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata), CURLOPT_WRITEDATA)

        let sendsBody = try configureMethodAndBody()
        try configureHeaders(sendsBody: sendsBody)
        try configureTLS(settings.tls)
    }

    /// Returns whether a request body is sent.
    private func configureMethodAndBody() throws(HTTPTransportError) -> Bool {
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("HTTPRequest.method \"\(method)\" is not a valid HTTP method token")
        }
        switch method {
        case "GET" where request.body.isEmpty:
            try set(CURLOPT_HTTPGET, 1)
            return false
        case "HEAD":
            guard request.body.isEmpty else { throw .invalidRequest("HTTPRequest.body must be empty for HEAD") }
            try set(CURLOPT_NOBODY, 1)
            return false
        default:
            let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)
            if sendsBody {
                let code = request.body.withUnsafeBytes { bytes in
                    tl_easy_set_body(easy.raw, bytes.baseAddress, bytes.count)
                }
                try check(code, CURLOPT_COPYPOSTFIELDS)
            }
            if method != "POST" || !sendsBody {
                try set(CURLOPT_CUSTOMREQUEST, method)
            }
            return sendsBody
        }
    }

    private func configureHeaders(sendsBody: Bool) throws(HTTPTransportError) {
        var lines: [String] = []
        for (name, value) in request.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header name \"\(name)\" is not a valid HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidRequest("header \(name): value must not contain CR, LF or NUL")
            }
            // libcurl drops "Name:" (it means "remove"); "Name;" sends an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // Send exactly the caller's headers: suppress libcurl's defaults unless given.
        if request.headers["Accept"] == nil { lines.append("Accept:") }
        if request.headers["Expect"] == nil { lines.append("Expect:") }
        if sendsBody && request.headers["Content-Type"] == nil { lines.append("Content-Type:") }
        for line in lines {
            guard let extended = curl_slist_append(headerList, line) else {
                throw .other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "could not build the header list")
            }
            headerList = extended
        }
        try check(tl_easy_setopt_slist(easy.raw, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)
    }

    private func configureTLS(_ tls: TLSConfiguration) throws(HTTPTransportError) {
        switch tls.certificateAuthority {
        case nil:
            break
        case .file(let path):
            try Self.requireReadable(path, field: "certificateAuthority")
            try set(CURLOPT_CAINFO, path)
            try set(CURLOPT_CAPATH, nil)
        case .pem(let pem):
            try setBlob(CURLOPT_CAINFO_BLOB, pem)
            try set(CURLOPT_CAINFO, nil)
            try set(CURLOPT_CAPATH, nil)
        }
        switch tls.clientCertificate {
        case nil:
            break
        case .file(let path):
            try Self.requireReadable(path, field: "clientCertificate")
            try set(CURLOPT_SSLCERT, path)
            try set(CURLOPT_SSLCERTTYPE, "PEM")
        case .pem(let pem):
            try setBlob(CURLOPT_SSLCERT_BLOB, pem)
            try set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        switch tls.clientKey {
        case nil:
            break
        case .file(let path):
            try Self.requireReadable(path, field: "clientKey")
            try set(CURLOPT_SSLKEY, path)
            try set(CURLOPT_SSLKEYTYPE, "PEM")
        case .pem(let pem):
            try setBlob(CURLOPT_SSLKEY_BLOB, pem)
            try set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        try set(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1)
        try set(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2)
    }

    // MARK: Callbacks (multi thread, inside curl_multi_perform / curl_easy_pause)

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: bytes, as: UTF8.self)
        if headParser.consume(line), case .streaming = sink {
            deliverHead()
        }
        return bytes.count
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch sink {
        case .buffered:
            body.append(contentsOf: bytes)
            return bytes.count
        case .streaming(_, let buffer):
            switch buffer.admit() {
            case .pause:
                return Int(CURL_WRITEFUNC_PAUSE)
            case .consumerGone:
                return 0
            case .accept:
                if !headDelivered { deliverHead() }
                buffer.deliver(lineSplitter.append(bytes))
                return bytes.count
            }
        }
    }

    private func deliverHead() {
        guard !headDelivered, case .streaming(let continuation, _) = sink else { return }
        headDelivered = true
        let head = headParser.completedHead ?? headParser.partialHead
            ?? ResponseHead(status: 0, headers: HTTPHeaders(), httpVersion: "HTTP/1.1")
        continuation.resume(returning: .success(head))
    }

    // MARK: Completion

    /// The transfer left the multi handle with `result`.
    func complete(result: CURLcode) {
        guard result == CURLE_OK else {
            var osErrno = 0
            _ = tl_easy_getinfo_long(easy.raw, CURLINFO_OS_ERRNO, &osErrno)
            finish(.failure(CurlErrorMapping.error(for: result, detail: easy.errorMessage, osErrno: osErrno, url: url)))
            return
        }
        finish(.success(()))
    }

    /// Resumes the caller with `outcome`; later calls do nothing.
    func finish(_ outcome: Result<Void, HTTPTransportError>) {
        guard !isFinished else { return }
        isFinished = true
        switch (sink, outcome) {
        case (.buffered(let continuation), .success):
            guard let head = headParser.completedHead ?? headParser.partialHead else {
                continuation.resume(returning: .failure(.connectionReset("\(url): no HTTP response received")))
                return
            }
            let response = HTTPResponse(status: head.status, headers: head.headers, body: body, httpVersion: head.httpVersion)
            continuation.resume(returning: .success(response))
        case (.buffered(let continuation), .failure(let error)):
            continuation.resume(returning: .failure(error))
        case (.streaming(let continuation, let buffer), .success):
            if !headDelivered {
                guard (headParser.completedHead ?? headParser.partialHead) != nil else {
                    headDelivered = true
                    let error = HTTPTransportError.connectionReset("\(url): no HTTP response received")
                    continuation.resume(returning: .failure(error))
                    buffer.finish(.failure(error))
                    return
                }
                deliverHead()
            }
            if let tail = lineSplitter.finish() { buffer.deliver([tail]) }
            buffer.finish(.success(()))
        case (.streaming(let continuation, let buffer), .failure(let error)):
            if !headDelivered {
                headDelivered = true
                continuation.resume(returning: .failure(error))
            }
            buffer.finish(.failure(error))
        }
    }

    // MARK: Option helpers

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPTransportError) {
        try check(tl_easy_setopt_long(easy.raw, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String?) throws(HTTPTransportError) {
        let code: CURLcode
        if let value {
            code = value.withCString { tl_easy_setopt_string(easy.raw, option, $0) }
        } else {
            code = tl_easy_setopt_string(easy.raw, option, nil)
        }
        try check(code, option)
    }

    private func setBlob(_ option: CURLoption, _ data: Data) throws(HTTPTransportError) {
        let code = data.withUnsafeBytes { tl_easy_setopt_blob(easy.raw, option, $0.baseAddress, $0.count) }
        try check(code, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPTransportError) {
        guard code == CURLE_OK else {
            throw .invalidRequest("\(url): libcurl rejected option \(option.rawValue): \(CurlErrorMapping.describe(code))")
        }
    }

    private static func requireReadable(_ path: String, field: String) throws(HTTPTransportError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .invalidRequest("TLSConfiguration.\(field): file \(path) does not exist or is not readable")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max }
        return max(1, Int(millis.partialValue + attoseconds / 1_000_000_000_000_000))
    }

    /// RFC 9110 token characters (method and header names).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

// C callbacks: `userdata` is the `CurlTransfer`, kept alive by the driver while attached.

private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}

private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}
