import CCurl

/// One libcurl easy handle and its error buffer. Created, configured, reused and destroyed only
/// on the multi thread; never shared, so it needs no synchronisation.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    /// Clears all options (live connections, DNS and TLS session caches survive) and re-arms
    /// the error buffer.
    func prepareForReuse() {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        _ = tl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    /// libcurl's detailed message for the last failure, empty if none.
    var errorMessage: String {
        String(cString: errorBuffer)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }
}
