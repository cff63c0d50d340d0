import Foundation

/// The request line and header fields of one HTTP/1.x request, as read by `EndpointHTTPServer`;
/// parsed strictly: the endpoints need method, path and, for a body, its `Content-Length`.
struct HTTPRequestHead: Equatable, Sendable {
    /// One header field, its name lowercased (names compare case-insensitively) and its value trimmed.
    struct Field: Equatable, Sendable {
        var name: String
        var value: String
    }

    /// Why a head was refused; each maps to a 400 response.
    enum Malformed: Error, Equatable, CustomStringConvertible {
        case requestLine(String)
        case version(String)
        case headerLine(String)
        case contentLength(String)

        var description: String {
            switch self {
            case .requestLine(let line): "malformed request line \"\(line)\"; expected METHOD /path HTTP/1.1"
            case .version(let version): "unsupported protocol version \"\(version)\"; only HTTP/1.0 and HTTP/1.1 are served"
            case .headerLine(let line): "malformed header line \"\(line)\"; expected name: value"
            case .contentLength(let value): "invalid Content-Length \"\(value)\"; send one decimal byte count"
            }
        }
    }

    /// `GET`, `HEAD`, ...: a token, case-sensitive as RFC 9110 says.
    var method: String
    /// The request target as sent (`/metrics?x=1`).
    var target: String
    /// `HTTP/1.0` or `HTTP/1.1`.
    var version: String
    /// The header fields in order.
    var fields: [Field] = []

    /// The target without its query string: what routing looks at.
    var path: String {
        String(target.prefix { $0 != "?" })
    }

    /// Parses the head (request line and header lines, without the terminating empty line);
    /// lines may end in CRLF or a bare LF.
    init(parsing head: some Collection<UInt8>) throws(Malformed) {
        var fields: [Field] = []
        // Split on bytes: as Characters, "\r\n" is one grapheme and would never equal "\n".
        var lines = Array(head).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { throw .requestLine("") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let method = parts.first, let target = parts.dropFirst().first, let version = parts.last,
            !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte),
            target.hasPrefix("/"), target.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { throw .requestLine(Self.printable(requestLine)) }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw version.hasPrefix("HTTP/") ? .version(Self.printable(version)) : .requestLine(Self.printable(requestLine))
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex,
                line[..<colon].utf8.allSatisfy(Self.isTokenByte)
            else { throw .headerLine(Self.printable(line)) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(Field(name: line[..<colon].lowercased(), value: value))
        }
        self.method = String(method)
        self.target = String(target)
        self.version = String(version)
        self.fields = fields
    }

    /// The body length announced by `Content-Length`, 0 without one. Repeated values must agree
    /// (RFC 9110 section 8.6); anything else is refused rather than guessed.
    func contentLength() throws(Malformed) -> Int {
        let values = fields.filter { $0.name == "content-length" }.flatMap { $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let first = values.first else { return 0 }
        guard values.allSatisfy({ $0 == first }), !first.isEmpty, first.count <= 18, first.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let length = Int(first)
        else { throw .contentLength(Self.printable(values.joined(separator: ","))) }
        return length
    }

    /// Whether the body is sent in chunks (`Transfer-Encoding`), which the endpoints do not read.
    var hasTransferEncoding: Bool {
        fields.contains { $0.name == "transfer-encoding" }
    }

    /// The number of bytes up to and including the empty line that ends a head in `bytes`, or
    /// nil while it has not arrived yet.
    static func endOfHead(in bytes: [UInt8]) -> Int? {
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var index = bytes.startIndex
        while let found = bytes[index...].firstIndex(of: newline) {
            let next = found + 1
            if next < bytes.endIndex, bytes[next] == newline { return next + 1 }
            if next + 1 < bytes.endIndex, bytes[next] == carriageReturn, bytes[next + 1] == newline { return next + 2 }
            index = next
        }
        return nil
    }

    /// RFC 9110 `tchar`: what a method or header name may contain.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// `text` cut to 80 characters with control characters escaped, safe to echo in a 400 body.
    private static func printable(_ text: some StringProtocol) -> String {
        let escaped = text.unicodeScalars.prefix(80).map { scalar in
            scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : scalar.escaped(asASCII: true)
        }
        return escaped.joined() + (text.unicodeScalars.count > 80 ? "..." : "")
    }
}
