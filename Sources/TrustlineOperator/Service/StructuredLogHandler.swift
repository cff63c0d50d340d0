import Foundation
import Logging
import Synchronization
import TrustlineCore

/// A swift-log handler writing one structured line per message to stderr, as logfmt
/// (`time=… level=info msg="…" resource=ns/name`) or JSON, so log pipelines can filter by the
/// resource key the reconciler puts on every line.
public struct StructuredLogHandler: LogHandler {
    /// Line format.
    public enum Format: String, Sendable, CaseIterable {
        case logfmt
        case json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: Format
    let sink: LogSink

    public init(label: String, format: Format, level: Logger.Level, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let fields: [(String, String)] =
            [("time", time), ("level", "\(event.level)"), ("logger", label), ("msg", "\(event.message)")]
            + merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        sink.write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    /// `key=value` pairs; a value with whitespace, `=`, `"` or a control character is quoted and
    /// escaped; a key is reduced to characters logfmt keys may hold. Later duplicates are dropped,
    /// as in JSON, so metadata cannot shadow `time`, `level`, `logger` or `msg`.
    static func logfmt(_ fields: [(String, String)]) -> String {
        var seen: Set<String> = []
        var pairs: [String] = []
        for (rawKey, value) in fields {
            let key = logfmtKey(rawKey)
            guard seen.insert(key).inserted else { continue }
            let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0 == "=" || $0 == "\"" || $0.value == 0x7f }
            pairs.append(needsQuotes ? "\(key)=\(quoted(value))" : "\(key)=\(value)")
        }
        return pairs.joined(separator: " ") + "\n"
    }

    /// A logfmt key: no space, `=`, `"` or control character (each becomes `_`).
    static func logfmtKey(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { scalar -> Character in
            scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7f || scalar == "=" || scalar == "\"" ? "_" : Character(scalar)
        })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// One JSON object of string members; later duplicates are dropped, as in logfmt.
    static func json(_ fields: [(String, String)]) -> String {
        var seen: Set<String> = []
        var members: [String] = []
        for (key, value) in fields where seen.insert(key).inserted {
            members.append("\(quoted(key)):\(quoted(value))")
        }
        return "{" + members.joined(separator: ",") + "}\n"
    }

    /// `text` as a JSON string literal, which is also a valid quoted logfmt value.
    static func quoted(_ text: String) -> String {
        CompactJSON.quoted(text)
    }
}

/// Where log lines go: whole lines, never interleaved between threads. Standard error in the
/// operator; a closure (tests, or a process embedding the operator) otherwise.
public final class LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    /// Writes each line to `handle`, one line at a time.
    public init(_ handle: FileHandle) {
        let handle = Mutex(handle)
        writeLine = { line in handle.withLock { $0.write(Data(line.utf8)) } }
    }

    /// Hands each whole line, newline included, to `write`; `write` must be safe to call from
    /// several threads at once.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        writeLine = write
    }

    public static let standardError = LogSink(FileHandle.standardError)

    func write(_ line: String) {
        writeLine(line)
    }
}
