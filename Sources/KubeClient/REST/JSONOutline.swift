import Foundation

/// The top level of a JSON document, found without parsing what lies below it: the byte range of
/// each member's value (for an object) or of each element (for an array).
///
/// Why: a list response or a watch line wraps many objects, and Foundation's JSON parser refuses
/// a whole document when any part of it nests deeper than its limit (512 levels). Cutting the
/// envelope first lets each object be decoded on its own, so one object that cannot be decoded
/// is one bad object and not a failed list or watch. The scan keeps a depth counter instead of
/// recursing, so no nesting depth can exhaust the stack. It checks strings, escapes and bracket
/// balance, not the grammar of nested values: the typed decode of each value does that.
struct JSONOutline: Sendable {
    enum Shape: Sendable, Equatable {
        case object([String: Range<Int>])
        case array([Range<Int>])
    }

    struct Malformed: Error, Sendable, CustomStringConvertible {
        let offset: Int
        let problem: String
        var description: String { "malformed JSON at byte \(offset): \(problem)" }
    }

    let bytes: [UInt8]
    let shape: Shape

    /// Outlines `data`, which must be one JSON object or array (surrounding whitespace allowed).
    init(_ data: Data) throws {
        try self.init(bytes: [UInt8](data), range: 0..<data.count)
    }

    /// Outlines the value at `range` of `bytes` (a range another outline returned).
    init(bytes: [UInt8], range: Range<Int>) throws {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes, position: range.lowerBound, end: range.upperBound)
        scanner.skipWhitespace()
        guard scanner.position < scanner.end else { throw Malformed(offset: scanner.position, problem: "empty document") }
        switch bytes[scanner.position] {
        case UInt8(ascii: "{"): shape = .object(try scanner.members())
        case UInt8(ascii: "["): shape = .array(try scanner.elements())
        default: throw Malformed(offset: scanner.position, problem: "expected an object or an array")
        }
        scanner.skipWhitespace()
        guard scanner.position == scanner.end else { throw Malformed(offset: scanner.position, problem: "data after the document") }
    }

    /// The bytes of the member `key`'s value, when the outline is an object holding it.
    func member(_ key: String) -> Data? {
        guard case .object(let members) = shape, let range = members[key] else { return nil }
        return Data(bytes[range])
    }

    /// The range of the member `key`'s value, when the outline is an object holding it.
    func memberRange(_ key: String) -> Range<Int>? {
        guard case .object(let members) = shape else { return nil }
        return members[key]
    }

    /// The outline of the array or object that is member `key`'s value.
    func outline(of key: String) throws -> JSONOutline? {
        guard let range = memberRange(key) else { return nil }
        return try JSONOutline(bytes: bytes, range: range)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position: Int
        let end: Int

        mutating func skipWhitespace() {
            while position < end, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipWhitespace()
            guard position < end, bytes[position] == byte else {
                throw Malformed(offset: position, problem: "expected \"\(Character(Unicode.Scalar(byte)))\"")
            }
            position += 1
        }

        /// At `{`: each member's key and value range.
        mutating func members() throws -> [String: Range<Int>] {
            try expect(UInt8(ascii: "{"))
            var members: [String: Range<Int>] = [:]
            skipWhitespace()
            if position < end, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return members
            }
            while true {
                skipWhitespace()
                let keyRange = try stringRange()
                let key = try JSONDecoder().decode(String.self, from: Data(bytes[keyRange]))
                try expect(UInt8(ascii: ":"))
                members[key] = try valueRange()
                skipWhitespace()
                guard position < end else { throw Malformed(offset: position, problem: "unterminated object") }
                let separator = bytes[position]
                position += 1
                if separator == UInt8(ascii: "}") { return members }
                guard separator == UInt8(ascii: ",") else { throw Malformed(offset: position - 1, problem: "expected \",\" or \"}\"") }
            }
        }

        /// At `[`: each element's range.
        mutating func elements() throws -> [Range<Int>] {
            try expect(UInt8(ascii: "["))
            var elements: [Range<Int>] = []
            skipWhitespace()
            if position < end, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return elements
            }
            while true {
                elements.append(try valueRange())
                skipWhitespace()
                guard position < end else { throw Malformed(offset: position, problem: "unterminated array") }
                let separator = bytes[position]
                position += 1
                if separator == UInt8(ascii: "]") { return elements }
                guard separator == UInt8(ascii: ",") else { throw Malformed(offset: position - 1, problem: "expected \",\" or \"]\"") }
            }
        }

        /// At a string's opening quote: the range including both quotes.
        mutating func stringRange() throws -> Range<Int> {
            let start = position
            guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw Malformed(offset: position, problem: "expected a string") }
            position += 1
            while position < end {
                switch bytes[position] {
                case UInt8(ascii: "\\"): position += 2
                case UInt8(ascii: "\""):
                    position += 1
                    return start..<position
                default: position += 1
                }
            }
            throw Malformed(offset: start, problem: "unterminated string")
        }

        /// Any value: its range, found by balancing brackets outside strings.
        mutating func valueRange() throws -> Range<Int> {
            skipWhitespace()
            let start = position
            guard position < end else { throw Malformed(offset: position, problem: "expected a value") }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                return try stringRange()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Open brackets, innermost last; a counter per kind would accept `[}`.
                var open: [UInt8] = []
                while position < end {
                    let byte = bytes[position]
                    switch byte {
                    case UInt8(ascii: "\""):
                        _ = try stringRange()
                        continue
                    case UInt8(ascii: "{"): open.append(UInt8(ascii: "}"))
                    case UInt8(ascii: "["): open.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        guard open.popLast() == byte else { throw Malformed(offset: position, problem: "unbalanced brackets") }
                        if open.isEmpty {
                            position += 1
                            return start..<position
                        }
                    default: break
                    }
                    position += 1
                }
                throw Malformed(offset: start, problem: "unterminated value")
            default:
                // A number, true, false or null: up to the next delimiter.
                while position < end, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) {
                    position += 1
                }
                guard position > start else { throw Malformed(offset: start, problem: "expected a value") }
                return start..<position
            }
        }
    }
}
