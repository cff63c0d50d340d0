/// A cursor over the raw bytes of an XML document with the lexical pieces of XML 1.0: names,
/// validated UTF-8 characters, references and line-ending normalisation. The tree builder in
/// `XMLTreeParser` drives it in a single forward pass; every problem carries its byte offset.
/// It borrows the bytes, so it lives only inside the `withUnsafeBytes` call that created it.
struct XMLByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position >= bytes.count }

    /// The byte at the cursor, or `nil` at the end of the input.
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// The byte `distance` bytes after the cursor, or `nil` past the end.
    func peek(_ distance: Int) -> UInt8? {
        let index = position + distance
        return index < bytes.count ? bytes[index] : nil
    }

    /// Whether the input at the cursor starts with `literal`.
    func hasPrefix(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard position + expected.count <= bytes.count else { return false }
            for index in 0..<expected.count where bytes[position + index] != expected[index] {
                return false
            }
            return true
        }
    }

    /// Consumes `literal` when the input starts with it.
    mutating func consume(_ literal: StaticString) -> Bool {
        guard hasPrefix(literal) else { return false }
        position += literal.withUTF8Buffer(\.count)
        return true
    }

    /// Consumes `literal` or fails, naming what was expected and where.
    mutating func require(_ literal: StaticString, inside context: @autoclosure () -> String) throws(XMLSyntaxFailure) {
        if consume(literal) { return }
        if isAtEnd { throw failure(.unexpectedEndOfInput(inside: context())) }
        throw failure(.expected("'\(literal)'", inside: context()))
    }

    /// Whether the input ends before `literal` does while matching it so far (a cut-off literal).
    func remainderIsPrefix(of literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            let remaining = bytes.count - position
            guard remaining < expected.count else { return false }
            for index in 0..<remaining where bytes[position + index] != expected[index] {
                return false
            }
            return true
        }
    }

    /// Skips XML whitespace (space, tab, CR, LF); returns whether there was any.
    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, Self.isWhitespace(bytes[position]) {
            position += 1
        }
        return position > start
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    func failure(_ problem: XMLSyntaxProblem, at offset: Int? = nil) -> XMLSyntaxFailure {
        XMLSyntaxFailure(offset: offset ?? position, problem: problem)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func bytesEqual(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
        guard left.count == right.count else { return false }
        for offset in 0..<left.count where bytes[left.lowerBound + offset] != bytes[right.lowerBound + offset] {
            return false
        }
        return true
    }

    // MARK: Names

    /// Scans an XML name (the namespace colon included) and returns its byte range.
    mutating func scanName(after context: @autoclosure () -> String) throws(XMLSyntaxFailure) -> Range<Int> {
        let start = position
        guard let first = current else { throw failure(.unexpectedEndOfInput(inside: context())) }
        guard Self.isNameStart(first) else { throw failure(.expectedName(after: context())) }
        while let byte = current {
            if byte < 0x80 {
                guard Self.isNameStart(byte) || Self.isNameContinuation(byte) else { break }
                position += 1
            } else {
                position += try decodeScalar().length
            }
        }
        return start..<position
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
    }

    private static func isNameContinuation(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
    }

    // MARK: Characters

    /// Decodes the UTF-8 scalar at the cursor without moving; fails on invalid UTF-8 and on
    /// code points XML does not allow.
    func decodeScalar() throws(XMLSyntaxFailure) -> (scalar: UInt32, length: Int) {
        let lead = bytes[position]
        if lead < 0x80 {
            let scalar = UInt32(lead)
            guard Self.isXMLCharacter(scalar) else { throw failure(.invalidCharacter(scalar: scalar)) }
            return (scalar, 1)
        }
        let length: Int
        var scalar: UInt32
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
        case 0xE0: length = 3; scalar = UInt32(lead & 0x0F); secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; scalar = UInt32(lead & 0x0F)
        case 0xED: length = 3; scalar = UInt32(lead & 0x0F); secondRange = 0x80...0x9F
        case 0xF0: length = 4; scalar = UInt32(lead & 0x07); secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4; scalar = UInt32(lead & 0x07)
        case 0xF4: length = 4; scalar = UInt32(lead & 0x07); secondRange = 0x80...0x8F
        default: throw failure(.invalidUTF8(byte: lead))
        }
        for index in 1..<length {
            guard position + index < bytes.count else {
                throw failure(.unexpectedEndOfInput(inside: "a multi-byte UTF-8 character"))
            }
            let continuation = bytes[position + index]
            let allowed = index == 1 ? secondRange : 0x80...0xBF
            guard allowed.contains(continuation) else {
                throw failure(.invalidUTF8(byte: continuation), at: position + index)
            }
            scalar = scalar << 6 | UInt32(continuation & 0x3F)
        }
        guard Self.isXMLCharacter(scalar) else { throw failure(.invalidCharacter(scalar: scalar)) }
        return (scalar, length)
    }

    /// `Char` of XML 1.0: tab, LF, CR, and everything from U+0020 except surrogates, U+FFFE, U+FFFF.
    static func isXMLCharacter(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Validates one character at the cursor and moves past it.
    mutating func skipCharacter() throws(XMLSyntaxFailure) {
        position += try decodeScalar().length
    }

    /// Copies one validated character to `buffer`, turning CR LF and lone CR into LF.
    mutating func copyCharacter(into buffer: inout [UInt8]) throws(XMLSyntaxFailure) {
        let byte = bytes[position]
        if byte == 0x0D {
            buffer.append(0x0A)
            position += peek(1) == 0x0A ? 2 : 1
            return
        }
        let length = try decodeScalar().length
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<(position + length)]))
        position += length
    }

    // MARK: References

    /// Reads an entity or character reference at the cursor (on '&') and appends what it stands for.
    mutating func copyReference(into buffer: inout [UInt8]) throws(XMLSyntaxFailure) {
        let start = position
        position += 1
        if current == UInt8(ascii: "#") {
            position += 1
            let isHex = current == UInt8(ascii: "x")
            if isHex { position += 1 }
            let digitsStart = position
            var value: UInt32 = 0
            while let byte = current, byte != UInt8(ascii: ";") {
                guard let digit = Self.digitValue(byte, hex: isHex) else {
                    throw failure(.invalidCharacterReference(referenceText(from: start)), at: start)
                }
                // Saturate past the Unicode range so long digit strings cannot overflow.
                value = min(value * (isHex ? 16 : 10) + digit, 0x11_0000)
                position += 1
            }
            guard current == UInt8(ascii: ";") else { throw failure(.unexpectedEndOfInput(inside: "a character reference")) }
            guard position > digitsStart, Self.isXMLCharacter(value) else {
                throw failure(.invalidCharacterReference(referenceText(from: start)), at: start)
            }
            position += 1
            appendUTF8(value, to: &buffer)
            return
        }
        guard let first = current else { throw failure(.unexpectedEndOfInput(inside: "an entity reference")) }
        guard Self.isNameStart(first) else { throw failure(.unterminatedReference, at: start) }
        let name = try scanName(after: "'&'")
        guard let terminator = current else { throw failure(.unexpectedEndOfInput(inside: "an entity reference")) }
        guard terminator == UInt8(ascii: ";") else { throw failure(.unterminatedReference, at: start) }
        position += 1
        switch string(name) {
        case "lt": buffer.append(UInt8(ascii: "<"))
        case "gt": buffer.append(UInt8(ascii: ">"))
        case "amp": buffer.append(UInt8(ascii: "&"))
        case "apos": buffer.append(UInt8(ascii: "'"))
        case "quot": buffer.append(UInt8(ascii: "\""))
        case let other: throw failure(.undefinedEntity(other), at: start)
        }
    }

    /// The text of a character reference after '&' for error messages, up to ';' or a short limit.
    private func referenceText(from start: Int) -> String {
        var end = start + 1
        while end < bytes.count, end - start < 16, bytes[end] != UInt8(ascii: ";"), bytes[end] < 0x80 {
            end += 1
        }
        let shortened = end < bytes.count && bytes[end] != UInt8(ascii: ";") && end - start == 16
        return string((start + 1)..<end) + (shortened ? "…" : "")
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x61...0x66 where hex: return UInt32(byte - 0x61 + 10)
        case 0x41...0x46 where hex: return UInt32(byte - 0x41 + 10)
        default: return nil
        }
    }

    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Positions

    /// 1-based line and column (in characters) of a byte offset, for error messages.
    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
