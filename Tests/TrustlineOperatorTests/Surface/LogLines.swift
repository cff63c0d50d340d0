import Foundation
import Logging
import Synchronization
@testable import TrustlineOperator

/// Lines written by `StructuredLogHandler` into memory, parsed back into fields so tests check
/// what a log pipeline would read, in either format.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var raw: [String] { lines.withLock { $0 } }

    /// A logger whose handler is the operator's structured handler writing here.
    func logger(
        format: StructuredLogHandler.Format, level: Logger.Level = .trace, label: String = "trustline.test",
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> Logger {
        let sink = LogSink { line in self.lines.withLock { $0.append(line) } }
        return Logger(label: label) { label in
            var handler = StructuredLogHandler(label: label, format: format, level: level, sink: sink)
            handler.metadataProvider = metadataProvider
            return handler
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Every line as its fields.
    func parsed(_ format: StructuredLogHandler.Format) throws -> [[String: String]] {
        try raw.map { line in
            guard line.hasSuffix("\n"), line.dropLast().firstIndex(of: "\n") == nil else {
                throw ParseError(description: "not exactly one line: \(line.debugDescription)")
            }
            let body = String(line.dropLast())
            switch format {
            case .json: return try Self.json(body)
            case .logfmt: return try Self.logfmt(body)
            }
        }
    }

    static func json(_ line: String) throws -> [String: String] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
            throw ParseError(description: "not a JSON object of strings: \(line)")
        }
        return object
    }

    /// logfmt as go-logfmt reads it: `key=value` separated by spaces, values optionally quoted
    /// with JSON-style escapes. Rejects duplicate keys and stray characters.
    static func logfmt(_ line: String) throws -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(line)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { throw ParseError(description: "key without value in \(line)") }
            let key = String(rest[..<equals])
            guard !key.isEmpty, !key.contains(where: { $0 == " " || $0 == "\"" }) else {
                throw ParseError(description: "bad key \(key.debugDescription) in \(line)")
            }
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        closed = true
                        break
                    }
                    guard character == "\\" else {
                        value.append(character)
                        continue
                    }
                    guard let escaped = rest.first else { break }
                    rest = rest.dropFirst()
                    switch escaped {
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "u":
                        let hex = String(rest.prefix(4))
                        rest = rest.dropFirst(4)
                        guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                            throw ParseError(description: "bad \\u escape in \(line)")
                        }
                        value.unicodeScalars.append(scalar)
                    default: value.append(escaped)
                    }
                }
                guard closed else { throw ParseError(description: "unterminated quote in \(line)") }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                guard !value.contains(where: { $0 == "\"" || $0 == "=" || $0.isWhitespace }) else {
                    throw ParseError(description: "unquoted value needs quotes: \(value.debugDescription) in \(line)")
                }
                rest = rest[end...]
            }
            guard fields.updateValue(value, forKey: key) == nil else { throw ParseError(description: "duplicate key \(key) in \(line)") }
            if rest.first == " " {
                rest = rest.dropFirst()
            } else if !rest.isEmpty {
                throw ParseError(description: "expected a space after \(key) in \(line)")
            }
        }
        return fields
    }
}
