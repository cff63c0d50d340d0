import AWSSigV4
import Foundation

/// The SigV4 canonicaliser (path normalisation and encoding, query sorting and re-encoding,
/// header folding and merging), fed raw requests in the AWS test suite's `request.txt` shape:
/// a request line, header lines (a line starting with a space or tab continues the previous
/// value, so values carry raw line breaks), an empty line, the body. Invariants: signing is
/// deterministic; the canonical request has exactly one line per signed header, so no header
/// value can inject a line; and the path and query lines hold only unreserved bytes and `%XX`.
enum SigV4FuzzTarget {
    static let credentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token\n  with a fold")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z, the suite's date

    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let request = rawRequest(bytes)
        for normalizePath in [true, false] {
            let options = SigV4SigningOptions(includeContentSHA256: !normalizePath, normalizePath: normalizePath)
            let first = SigV4Signer(service: "iam", region: "us-east-1").sign(request, credentials: credentials, date: date, options: options)
            let signer = SigV4Signer(service: "iam", region: "us-east-1")
            _ = signer.sign(request, credentials: credentials, date: date, options: options)
            let cached = signer.sign(request, credentials: credentials, date: date, options: options)
            guard first.canonicalRequest == cached.canonicalRequest, first.signature == cached.signature else {
                return FuzzFinding(.sigv4, "signing the same request twice gave two signatures")
            }
            if let problem = structureProblem(first, method: request.method) {
                return FuzzFinding(.sigv4, "\(problem) (normalizePath: \(normalizePath)) in \(first.canonicalRequest.escapedForFinding(limit: 400))")
            }
        }
        return nil
    }

    /// What is wrong with the shape of the canonical request, if anything.
    private static func structureProblem(_ result: SigV4SigningResult, method: String) -> String? {
        let lines = Array(result.canonicalRequest.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let signed = result.signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard lines.count == signed.count + 6 else {
            return "\(lines.count) lines for \(signed.count) signed headers"
        }
        guard lines[0].elementsEqual(method.utf8) else { return "the method line is not the method" }
        guard lines[1].first == UInt8(ascii: "/"), lines[1].allSatisfy({ isUnreserved($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "%") }),
            percentEscapesAreWellFormed(lines[1])
        else { return "the path line holds bytes that are not encoded" }
        guard lines[2].allSatisfy({ isUnreserved($0) || [UInt8(ascii: "%"), UInt8(ascii: "="), UInt8(ascii: "&")].contains($0) }),
            percentEscapesAreWellFormed(lines[2])
        else { return "the query line holds bytes that are not encoded" }
        for (index, name) in signed.enumerated() {
            let line = lines[3 + index]
            guard line.starts(with: name + [UInt8(ascii: ":")]) else { return "header line \(index) is not for \(String(decoding: name, as: UTF8.self))" }
            let value = line.dropFirst(name.count + 1)
            guard !value.contains(UInt8(ascii: "\r")), !value.contains(UInt8(ascii: "\t")),
                value.first != UInt8(ascii: " "), value.last != UInt8(ascii: " ")
            else { return "header value \(index) is not trimmed and folded" }
        }
        guard lines[3 + signed.count].isEmpty else { return "no empty line after the headers" }
        guard lines[4 + signed.count].elementsEqual(result.signedHeaders.utf8) else { return "the signed-headers line differs from SignedHeaders" }
        return nil
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~")].contains(byte)
        }
    }

    /// Every `%` starts `%XX` with upper-case hex digits.
    private static func percentEscapesAreWellFormed(_ bytes: ArraySlice<UInt8>) -> Bool {
        let upperHex = Array("0123456789ABCDEF".utf8)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, upperHex.contains(bytes[index + 1]), upperHex.contains(bytes[index + 2]) else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }

    /// Reads `bytes` as a raw request: lines end in LF (a CR before it is kept, as part of the
    /// line); the first line's first word is the method and its second the target (path, `?`,
    /// query; the path made absolute); header names that are not HTTP tokens are skipped, as no
    /// client would send them. Split as bytes: as Characters, CRLF is one grapheme, never LF.
    static func rawRequest(_ bytes: [UInt8]) -> SigV4Request {
        let newline = UInt8(ascii: "\n")
        var headEnd = bytes.endIndex
        var bodyStart = bytes.endIndex
        if let blank = bytes.indices.dropLast().first(where: { bytes[$0] == newline && bytes[$0 + 1] == newline }) {
            headEnd = blank
            bodyStart = blank + 2
        }
        var lines = bytes[..<headEnd].split(separator: newline, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let requestLine = lines.isEmpty ? "" : lines.removeFirst()
        let words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        let method = words.first.map(String.init) ?? ""
        let target = words.count > 1 ? String(words[1]) : "/"
        // A request target always starts with `/` (`SigV4Request(url:)` makes sure of it).
        let pathPart = String(target.prefix { $0 != "?" })
        let path = pathPart.hasPrefix("/") ? pathPart : "/" + pathPart
        let query = target.contains("?") ? String(target.drop { $0 != "?" }.dropFirst()) : ""
        var headers: [(String, String)] = []
        for line in lines {
            if let first = line.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !headers.isEmpty {
                headers[headers.count - 1].1 += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { continue }
            headers.append((String(name), String(line[line.index(after: colon)...])))
        }
        return SigV4Request(method: method, path: path, query: query, headers: headers, body: Data(bytes[bodyStart...]))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || "!#$%&'*+^`|".utf8.contains(byte)
    }
}
