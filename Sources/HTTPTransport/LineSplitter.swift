import Foundation

/// Cuts a byte stream that arrives in arbitrary chunks into lines: a line may span chunks and a
/// chunk may hold many lines. Lines come out without their `\n` or `\r\n`.
struct LineSplitter {
    private var partial = Data()

    /// Returns the lines completed by `chunk`; an unterminated tail is kept for the next call.
    mutating func append(_ chunk: UnsafeRawBufferPointer) -> [Data] {
        var lines: [Data] = []
        var lineStart = 0
        for (offset, byte) in chunk.enumerated() where byte == UInt8(ascii: "\n") {
            partial.append(contentsOf: chunk[lineStart..<offset])
            lines.append(Self.strippingCarriageReturn(partial))
            partial = Data()
            lineStart = offset + 1
        }
        partial.append(contentsOf: chunk[lineStart..<chunk.count])
        return lines
    }

    mutating func append(_ chunk: Data) -> [Data] {
        chunk.withUnsafeBytes { append($0) }
    }

    /// The unterminated last line, if any bytes are left over at the end of the body.
    mutating func finish() -> Data? {
        defer { partial = Data() }
        return partial.isEmpty ? nil : Self.strippingCarriageReturn(partial)
    }

    private static func strippingCarriageReturn(_ line: Data) -> Data {
        line.last == UInt8(ascii: "\r") ? Data(line.dropLast()) : line
    }
}
