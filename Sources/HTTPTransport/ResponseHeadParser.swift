/// Status and headers of a response, as delivered to `stream` callers before the body.
struct ResponseHead: Sendable, Equatable {
    var status: Int
    var headers: HTTPHeaders
    var httpVersion: String
}

/// Turns the header lines libcurl hands to its header callback into a `ResponseHead`.
/// Interim (1xx) responses are discarded; lines after the final header block (trailers) are ignored.
struct ResponseHeadParser {
    private var status: Int?
    private var httpVersion = "HTTP/1.1"
    private var headers = HTTPHeaders()
    /// The final head, once its terminating blank line was seen.
    private(set) var completedHead: ResponseHead?

    /// What is known so far; used when a transfer ends without a complete header block.
    var partialHead: ResponseHead? {
        status.map { ResponseHead(status: $0, headers: headers, httpVersion: httpVersion) }
    }

    /// Feeds one raw header line (including its CRLF). Returns true exactly when this line
    /// completed the final header block.
    mutating func consume(_ rawLine: String) -> Bool {
        guard completedHead == nil else { return false }
        let line = rawLine.trimmingSuffix { $0.isNewline }
        if line.isEmpty {
            guard let status else { return false }
            if (100..<200).contains(status) {
                self.status = nil
                headers = HTTPHeaders()
                return false
            }
            completedHead = ResponseHead(status: status, headers: headers, httpVersion: httpVersion)
            return true
        }
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            httpVersion = parts.first.map(String.init) ?? "HTTP/1.1"
            status = parts.count > 1 ? Int(parts[1]) : nil
            headers = HTTPHeaders()
            return false
        }
        if let first = line.first, first == " " || first == "\t" {
            headers.appendToLastValue(" " + line.trimmingWhitespace())
            return false
        }
        guard let colon = line.firstIndex(of: ":") else { return false }
        let name = String(line[..<colon]).trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        headers.add(name, value)
        return false
    }
}

extension HTTPHeaders {
    /// Folds an obsolete continuation line into the previous header's value.
    fileprivate mutating func appendToLastValue(_ text: String) {
        guard let last = fields.last else { return }
        var rebuilt = HTTPHeaders(fields.dropLast().map { ($0.name, $0.value) })
        rebuilt.add(last.name, last.value + text)
        self = rebuilt
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return String(self[startIndex..<end])
    }

    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        var end = endIndex
        while end > start, isSpace(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
