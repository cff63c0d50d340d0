/// The canonical-request rules of SigV4: normalized (verbatim for S3), re-encoded path; sorted,
/// re-encoded query; lower-cased, trimmed, merged headers. Kept apart from the signer so each rule
/// can be read (and tested) on its own.
enum SigV4Canonicalizer {
    /// Header names the signer never signs: `Authorization` (it writes it), and hop-by-hop or agent headers
    /// that proxies and HTTP stacks add or rewrite (signing them would break the signature in transit).
    /// The same set the AWS SDKs leave unsigned.
    static let unsignableHeaders: [[UInt8]] = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ].map { Array($0.utf8) }

    /// Whether a lower-cased header name is one the signer leaves unsigned.
    static func isUnsignable(_ loweredName: [UInt8]) -> Bool {
        unsignableHeaders.contains(loweredName)
    }

    /// Removes `.` and `..` segments and empty segments (`//`), keeps a trailing slash,
    /// then URI-encodes the result once more (so an already-encoded `%20` becomes `%2520`, as AWS expects).
    /// Without `normalize` the path is only encoded (S3's rule).
    static func appendCanonicalURI(path: String, normalize: Bool, to out: inout [UInt8]) {
        guard normalize else {
            if path.isEmpty { out.append(UInt8(ascii: "/")) }
            SigV4Encoding.appendURIEncoded(path.utf8, keepSlash: true, to: &out)
            return
        }
        var segments: [ArraySlice<UInt8>] = []
        let bytes = Array(path.utf8)
        var endsWithSlash = false
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty {
                endsWithSlash = true
                continue
            }
            endsWithSlash = false
            if segment.count == 1 && segment.first == UInt8(ascii: ".") {
                endsWithSlash = true
            } else if segment.count == 2 && segment.allSatisfy({ $0 == UInt8(ascii: ".") }) {
                if !segments.isEmpty { segments.removeLast() }
                endsWithSlash = true
            } else {
                segments.append(segment)
            }
        }
        out.append(UInt8(ascii: "/"))
        for (index, segment) in segments.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "/")) }
            SigV4Encoding.appendURIEncoded(segment, keepSlash: false, to: &out)
        }
        if endsWithSlash && !segments.isEmpty { out.append(UInt8(ascii: "/")) }
    }

    /// Decodes each `name=value` pair of the query and re-encodes it with the unreserved set,
    /// then sorts by name and value (byte order). A name without `=` gets an empty value.
    static func appendCanonicalQuery(_ query: String, to out: inout [UInt8]) {
        guard !query.isEmpty else { return }
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for component in Array(query.utf8).split(separator: UInt8(ascii: "&")) {
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = component.firstIndex(of: UInt8(ascii: "=")) {
                name = component[component.startIndex..<equals]
                value = component[(equals + 1)...]
            } else {
                name = component
                value = []
            }
            var encodedName: [UInt8] = []
            var encodedValue: [UInt8] = []
            SigV4Encoding.appendURIEncoded(SigV4Encoding.percentDecoded(name), keepSlash: false, to: &encodedName)
            SigV4Encoding.appendURIEncoded(SigV4Encoding.percentDecoded(value), keepSlash: false, to: &encodedValue)
            pairs.append((encodedName, encodedValue))
        }
        pairs.sort { left, right in
            if left.name != right.name { return left.name.lexicographicallyPrecedes(right.name) }
            return left.value.lexicographicallyPrecedes(right.value)
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: pair.name)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: pair.value)
        }
    }

    /// One header as it enters the canonical request.
    struct Header {
        var name: [UInt8]
        var value: [UInt8]
    }

    static func lowercasedASCII(_ text: String) -> [UInt8] {
        text.utf8.map { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
    }

    /// Trims the value and folds every run of spaces, tabs and line breaks into one space.
    static func canonicalValue(_ value: String) -> [UInt8] {
        if let alreadyCanonical = value.utf8.withContiguousStorageIfAvailable({ bytes -> [UInt8]? in
            var previousWasSpace = true  // a leading space is not canonical
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): return nil
                case UInt8(ascii: " "):
                    if previousWasSpace { return nil }
                    previousWasSpace = true
                default: previousWasSpace = false
                }
            }
            return bytes.isEmpty || !previousWasSpace ? Array(bytes) : nil
        }), let alreadyCanonical {
            return alreadyCanonical
        }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace {
                    out.append(UInt8(ascii: " "))
                    pendingSpace = false
                }
                out.append(byte)
            }
        }
        return out
    }

    /// Appends `name:value\n` lines (sorted by name, repeated names merged with `,` in their original order)
    /// and returns the `SignedHeaders` list.
    static func appendCanonicalHeaders(_ headers: [Header], to out: inout [UInt8]) -> [UInt8] {
        let sorted = headers.enumerated().sorted { left, right in
            if left.element.name != right.element.name {
                return left.element.name.lexicographicallyPrecedes(right.element.name)
            }
            return left.offset < right.offset
        }
        var signed: [UInt8] = []
        var previousName: [UInt8]?
        for (_, header) in sorted {
            if header.name == previousName {
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: header.value)
                continue
            }
            if previousName != nil {
                out.append(UInt8(ascii: "\n"))
                signed.append(UInt8(ascii: ";"))
            }
            out.append(contentsOf: header.name)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: header.value)
            signed.append(contentsOf: header.name)
            previousName = header.name
        }
        if previousName != nil { out.append(UInt8(ascii: "\n")) }
        return signed
    }
}
