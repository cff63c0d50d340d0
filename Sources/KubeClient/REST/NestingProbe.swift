import Foundation

/// Finds where a JSON document nests too deep, so an object the parser refuses can be reported
/// with the field a user must fix (`spec.inlinePolicies[0].document`) instead of a byte offset.
/// Iterative, like `JSONOutline`: no depth can exhaust the stack.
enum NestingProbe {
    /// How deep Foundation's JSON parser nests arrays and objects before it refuses a document.
    static let decoderLimit = 512
    /// Path components shown before the rest is elided: enough to name the field.
    static let shownComponents = 4

    private enum Level {
        case object(key: String?)
        case array(index: Int)
    }

    /// The path to the first value nested deeper than `limit` levels, or nil when none is.
    static func firstPathDeeper(than limit: Int, in data: Data) -> String? {
        let bytes = [UInt8](data)
        var levels: [Level] = []
        var position = 0
        var expectingKey = false
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                let start = position + 1
                position += 1
                while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey, case .object? = levels.last {
                    let key = (try? JSONDecoder().decode(String.self, from: Data(bytes[(start - 1)..<min(position + 1, bytes.count)])))
                        ?? String(decoding: bytes[start..<min(position, bytes.count)], as: UTF8.self)
                    levels[levels.count - 1] = .object(key: key)
                    expectingKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                levels.append(byte == UInt8(ascii: "{") ? .object(key: nil) : .array(index: 0))
                expectingKey = byte == UInt8(ascii: "{")
                if levels.count > limit { return describe(levels) }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = levels.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                switch levels.last {
                case .array(let index)?: levels[levels.count - 1] = .array(index: index + 1)
                case .object?: expectingKey = true
                case nil: break
                }
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The levels as a field path; the innermost (the container that went too deep) is not a field.
    private static func describe(_ levels: [Level]) -> String {
        var components: [String] = []
        for level in levels.dropLast() {
            switch level {
            case .object(let key?): components.append(".\(key)")
            case .object(nil): break
            case .array(let index): components.append("[\(index)]")
            }
        }
        var text = components.prefix(shownComponents).joined()
        if text.hasPrefix(".") { text.removeFirst() }
        if components.count > shownComponents { text += "..." }
        return text.isEmpty ? "the object" : text
    }
}
