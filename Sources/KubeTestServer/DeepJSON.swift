import Foundation

/// JSON nested deeper than Foundation's coders go. Foundation's `JSONDecoder` refuses documents
/// nested more than 512 levels and `JSONEncoder` values nested 512 or more, while the API server
/// (Go's encoding/json) reads and writes up to 10,000. Without this the test server refused such
/// objects, or worse, wrote `null` in place of a list holding one, so a client's handling of deep
/// objects could not be tested. Used only where Foundation gives up, so everything else is
/// byte-for-byte what it was.
enum DeepJSON {
    /// Deeper than any test needs and than the operator's decoder goes, shallower than Go's
    /// 10,000: the code around a parsed value (validation, equality, this writer) recurses.
    static let maxDepth = 2000

    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let problem: String
        var description: String { "malformed JSON at byte \(offset): \(problem)" }
    }

    private enum Frame {
        case array([JSONValue])
        case object([String: JSONValue], key: String?)
    }

    private enum Expecting { case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end }

    /// Parses without recursion. Scalars are read by `JSONDecoder`, so they mean what they always did.
    static func parse(_ data: Data) throws -> JSONValue {
        let bytes = [UInt8](data)
        var stack: [Frame] = []
        var root: JSONValue?
        var expecting = Expecting.value
        var position = 0
        let decoder = JSONDecoder()

        func add(_ value: JSONValue) {
            switch stack.popLast() {
            case nil:
                root = value
                expecting = .end
            case .array(var items)?:
                items.append(value)
                stack.append(.array(items))
                expecting = .commaOrClose
            case .object(var members, let key)?:
                members[key ?? ""] = value
                stack.append(.object(members, key: nil))
                expecting = .commaOrClose
            }
        }

        while position < bytes.count {
            let byte = bytes[position]
            if [0x20, 0x0A, 0x0D, 0x09].contains(byte) {
                position += 1
                continue
            }
            switch (byte, expecting) {
            case (UInt8(ascii: "{"), .value), (UInt8(ascii: "{"), .valueOrClose),
                (UInt8(ascii: "["), .value), (UInt8(ascii: "["), .valueOrClose):
                guard stack.count < maxDepth else { throw Malformed(offset: position, problem: "nested deeper than \(maxDepth) levels") }
                let isObject = byte == UInt8(ascii: "{")
                stack.append(isObject ? .object([:], key: nil) : .array([]))
                expecting = isObject ? .keyOrClose : .valueOrClose
                position += 1
            case (UInt8(ascii: "}"), .keyOrClose), (UInt8(ascii: "}"), .commaOrClose):
                guard case .object(let members, nil)? = stack.popLast() else { throw Malformed(offset: position, problem: "unexpected }") }
                add(.object(members))
                position += 1
            case (UInt8(ascii: "]"), .valueOrClose), (UInt8(ascii: "]"), .commaOrClose):
                guard case .array(let items)? = stack.popLast() else { throw Malformed(offset: position, problem: "unexpected ]") }
                add(.array(items))
                position += 1
            case (UInt8(ascii: ","), .commaOrClose):
                if case .object? = stack.last { expecting = .key } else { expecting = .value }
                position += 1
            case (UInt8(ascii: ":"), .colon):
                expecting = .value
                position += 1
            case (UInt8(ascii: "\""), _):
                let start = position
                position += 1
                while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard position < bytes.count else { throw Malformed(offset: start, problem: "unterminated string") }
                position += 1
                let text = try decoder.decode(String.self, from: Data(bytes[start..<position]))
                switch expecting {
                case .key, .keyOrClose:
                    guard case .object(let members, nil)? = stack.popLast() else { throw Malformed(offset: start, problem: "unexpected key") }
                    stack.append(.object(members, key: text))
                    expecting = .colon
                case .value, .valueOrClose:
                    add(.string(text))
                default:
                    throw Malformed(offset: start, problem: "unexpected string")
                }
            case (_, .value), (_, .valueOrClose):
                let start = position
                while position < bytes.count,
                    ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[position])
                {
                    position += 1
                }
                add(try decoder.decode(JSONValue.self, from: Data(bytes[start..<position])))
            default:
                throw Malformed(offset: position, problem: "unexpected \"\(Character(Unicode.Scalar(byte)))\"")
            }
        }
        guard let root, stack.isEmpty else { throw Malformed(offset: position, problem: "unexpected end") }
        return root
    }

    /// Compact JSON with sorted keys, containers written here, scalars by `encoder`.
    static func serialize(_ value: JSONValue, scalars encoder: JSONEncoder) -> Data {
        var output = Data()
        func write(_ value: JSONValue) {
            switch value {
            case .array(let items):
                output.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    write(item)
                }
                output.append(UInt8(ascii: "]"))
            case .object(let members):
                output.append(UInt8(ascii: "{"))
                for (index, key) in members.keys.sorted().enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    write(.string(key))
                    output.append(UInt8(ascii: ":"))
                    if let member = members[key] { write(member) }
                }
                output.append(UInt8(ascii: "}"))
            default:
                output.append((try? encoder.encode(value)) ?? Data("null".utf8))
            }
        }
        write(value)
        return output
    }
}
