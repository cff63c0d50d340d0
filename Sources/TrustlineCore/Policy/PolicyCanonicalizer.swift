import KubeModels

import Foundation

/// Compares IAM policy documents semantically (docs/design.md section 4 step 3). IAM returns documents
/// URL-encoded and reformatted, and writers order statements and values freely; the canonical
/// form makes semantically equal documents compare equal, so steady state makes no writes.
///
/// Canonical form: arrays become sets (elements canonicalised, duplicates dropped, sorted by their
/// compact serialisation) and a one-element array becomes its element, so `"s3:GetObject"` and
/// `["s3:GetObject"]` agree; condition values that are booleans or numbers become strings, as IAM
/// compares them as strings; object key order and whitespace never matter.
public enum PolicyCanonicalizer {
    /// Parses a document as IAM returns it (URL-encoded or not).
    public static func parse(_ text: String) throws(PolicyParseError) -> JSONValue {
        let trimmed = text.trimmingWhitespace()
        var json = trimmed
        if !trimmed.hasPrefix("{") && !trimmed.hasPrefix("[") {
            guard let decoded = trimmed.removingPercentEncoding else {
                throw PolicyParseError(message: "the document is neither JSON nor URL-encoded JSON")
            }
            json = decoded
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        } catch {
            throw PolicyParseError(message: "the document is not valid JSON: \(error)")
        }
    }

    /// The canonical form of `document`.
    public static func canonical(_ document: JSONValue) -> JSONValue {
        canonicalize(document, insideCondition: false)
    }

    /// The canonical form of a document given as text (URL-encoded or not).
    public static func canonical(text: String) throws(PolicyParseError) -> JSONValue {
        canonical(try parse(text))
    }

    /// Whether two documents are semantically equal.
    public static func equivalent(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        canonical(lhs) == canonical(rhs)
    }

    /// The compact, deterministic text of the canonical form, for comparing and hashing.
    public static func compactText(_ document: JSONValue) -> String {
        CompactJSON.serialize(canonical(document))
    }

    /// What is sent to IAM: the document as rendered or written by the user (keys sorted, no
    /// whitespace), not its canonical form, so a trust policy keeps docs/design.md section 2's shape
    /// (`"Statement":[...]`) and `aws iam get-role` shows what the user wrote.
    public static func wireText(_ document: JSONValue) -> String {
        CompactJSON.serialize(document)
    }

    /// Characters IAM counts against its size quotas: the text sent, without whitespace.
    public static func quotaSize(_ document: JSONValue) -> Int {
        wireText(document).unicodeScalars.reduce(0) { count, scalar in
            count + (scalar.properties.isWhitespace ? 0 : 1)
        }
    }

    private static func canonicalize(_ value: JSONValue, insideCondition: Bool) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                result[key] = canonicalize(member, insideCondition: insideCondition || key == "Condition")
            }
            return .object(result)
        case .array(let elements):
            var seen: [String: JSONValue] = [:]
            for element in elements {
                let canonicalElement = canonicalize(element, insideCondition: insideCondition)
                seen[CompactJSON.serialize(canonicalElement)] = canonicalElement
            }
            let ordered = seen.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }).compactMap { seen[$0] }
            if ordered.count == 1, let only = ordered.first { return only }
            return .array(ordered)
        case .bool(let flag) where insideCondition:
            return .string(flag ? "true" : "false")
        case .number(let number) where insideCondition:
            return .string(CompactJSON.format(number))
        default:
            return value
        }
    }
}

/// A policy document IAM returned that is not JSON, even after URL-decoding.
public struct PolicyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
