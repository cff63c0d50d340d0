import Foundation

/// Encodes Query API parameters as an `application/x-www-form-urlencoded` body the way botocore
/// does (`A-Z a-z 0-9 - _ . ~` stay literal, space becomes `+`, every other byte `%XX`). Matching
/// it byte for byte matters: moto verifies signatures over a body it re-encodes that way.
enum QueryForm {
    static func encode(_ parameters: [(String, String)]) -> Data {
        var body = ""
        for (index, (name, value)) in parameters.enumerated() {
            if index > 0 { body += "&" }
            body += percentEncode(name)
            body += "="
            body += percentEncode(value)
        }
        return Data(body.utf8)
    }

    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            } else if byte == UInt8(ascii: " ") {
                encoded += "+"
            } else {
                encoded += "%"
                encoded += hexDigits[Int(byte >> 4)]
                encoded += hexDigits[Int(byte & 0x0F)]
            }
        }
        return encoded
    }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
