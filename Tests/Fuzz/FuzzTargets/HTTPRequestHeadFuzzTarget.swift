// The probe server's request parsing is internal to TrustlineOperator, and only a debug build
// compiles modules for testing, so this target (and its case in `FuzzTarget`) exists only there;
// `scripts/fuzz.sh` and the tests build debug. A release build of the whole package still compiles.
#if DEBUG
@testable import TrustlineOperator

/// The probe server's request head parser (`HTTPRequestHead`: `/healthz`, `/readyz` and
/// `/metrics` on a plain HTTP port any pod can reach). Invariants: a refusal is a `Malformed`
/// whose text, echoed in the 400 body, has no control characters; an accepted head has a token
/// method, an absolute visible-ASCII target whose path is its part before `?`, and version 1.0 or
/// 1.1; and `endOfHead` only ever reports a length that ends in an empty line.
enum HTTPRequestHeadFuzzTarget {
    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        if let end = HTTPRequestHead.endOfHead(in: bytes) {
            let head = bytes[..<end]
            guard end <= bytes.count, head.suffix(2).elementsEqual("\n\n".utf8) || head.suffix(3).elementsEqual("\n\r\n".utf8) else {
                return FuzzFinding(.httpHead, "endOfHead reported \(end) bytes, which do not end in an empty line")
            }
        }
        do {
            let head = try HTTPRequestHead(parsing: bytes)
            guard !head.method.isEmpty, head.method.utf8.allSatisfy(HTTPRequestHead.isTokenByte) else {
                return FuzzFinding(.httpHead, "accepted the method \(head.method.escapedForFinding())")
            }
            guard head.target.hasPrefix("/"), head.target.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                return FuzzFinding(.httpHead, "accepted the target \(head.target.escapedForFinding())")
            }
            guard head.path == String(head.target.prefix { $0 != "?" }), !head.path.contains("?") else {
                return FuzzFinding(.httpHead, "the path \(head.path.escapedForFinding()) is not the target before '?'")
            }
            guard ["HTTP/1.0", "HTTP/1.1"].contains(head.version) else {
                return FuzzFinding(.httpHead, "accepted the version \(head.version.escapedForFinding())")
            }
        } catch {
            let text = error.description
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                return FuzzFinding(.httpHead, "the 400 text \(text.escapedForFinding()) carries control characters")
            }
        }
        return nil
    }
}
#endif
