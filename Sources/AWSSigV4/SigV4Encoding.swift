import Foundation

/// Byte-level helpers for SigV4: hex, RFC 3986 URI encoding with the unreserved set AWS uses,
/// and the `X-Amz-Date` timestamp formatted by hand (no Foundation formatter per call).
enum SigV4Encoding {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Lower-case hex of a digest or MAC (read through its contiguous bytes: iterating it as a
    /// `Sequence` is several times slower).
    static func hex<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        appendHex(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendHex<Bytes: ContiguousBytes>(_ bytes: Bytes, to out: inout [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            for byte in buffer {
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Appends `bytes` URI-encoded: every byte outside the unreserved set becomes `%XX` (upper-case hex);
    /// `/` is kept when `keepSlash` is set (paths).
    static func appendURIEncoded<Bytes: Sequence>(_ bytes: Bytes, keepSlash: Bool, to out: inout [UInt8])
    where Bytes.Element == UInt8 {
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept literally. `+` stays `+`.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return Array(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), bytes.endIndex - index >= 3,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd` in UTC, computed from the Unix time by the civil-from-days algorithm.
    static func timestamps(for date: Date) -> (amzDate: String, day: String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        // "yyyyMMddTHHmmssZ": fixed positions, written in place.
        var out = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
        func put(_ value: Int64, at end: Int, width: Int) {
            var rest = value
            for position in stride(from: end, to: end - width, by: -1) {
                out[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
        }
        put(year, at: 3, width: 4)
        put(month, at: 5, width: 2)
        put(day, at: 7, width: 2)
        out[8] = UInt8(ascii: "T")
        put(secondOfDay / 3_600, at: 10, width: 2)
        put(secondOfDay % 3_600 / 60, at: 12, width: 2)
        put(secondOfDay % 60, at: 14, width: 2)
        out[15] = UInt8(ascii: "Z")
        let dayString = String(decoding: out[0..<8], as: UTF8.self)
        return (String(decoding: out, as: UTF8.self), dayString)
    }
}

/// URI encoding of a request path exactly as SigV4 canonicalizes it without normalization (S3's
/// rule): a client that sends the path encoded this way signs exactly what it sends.
public enum SigV4PathEncoding {
    /// Every byte outside the unreserved set (`A-Z a-z 0-9 - . _ ~`) and `/` as `%XX`.
    public static func encode(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count + 8)
        SigV4Encoding.appendURIEncoded(path.utf8, keepSlash: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
