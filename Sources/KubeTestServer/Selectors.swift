import Foundation

/// A parsed `labelSelector` query: equality (`a=b`, `a==b`, `a!=b`), set (`a in (x,y)`,
/// `a notin (x)`) and existence (`a`, `!a`) requirements, all of which must hold.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement] = []

    init(requirements: [Requirement] = []) { self.requirements = requirements }

    init(parsing text: String) throws {
        for clause in Self.splitTopLevel(text) {
            let part = clause.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            requirements.append(try Self.parseRequirement(part))
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    /// Splits on commas that are not inside a `( ... )` value set.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseRequirement(_ part: String) throws -> Requirement {
        if let range = part.range(of: "!=") {
            return .notEquals(trim(part[..<range.lowerBound]), trim(part[range.upperBound...]))
        }
        if let range = part.range(of: "==") {
            return .equals(trim(part[..<range.lowerBound]), trim(part[range.upperBound...]))
        }
        if let range = part.range(of: "=") {
            return .equals(trim(part[..<range.lowerBound]), trim(part[range.upperBound...]))
        }
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            if let range = part.range(of: word) {
                let key = trim(part[..<range.lowerBound])
                var valuesText = trim(part[range.upperBound...])
                guard valuesText.hasPrefix("("), valuesText.hasSuffix(")") else {
                    throw APIError.badRequest("unable to parse requirement: \(part): values must be in parentheses")
                }
                valuesText = String(valuesText.dropFirst().dropLast())
                let values = Set(valuesText.split(separator: ",").map { trim($0) })
                return isIn ? .isIn(key, values) : .notIn(key, values)
            }
        }
        if part.hasPrefix("!") { return .doesNotExist(trim(part.dropFirst())) }
        guard !part.contains(" ") else {
            throw APIError.badRequest("unable to parse requirement: \(part)")
        }
        return .exists(part)
    }

    private static func trim<S: StringProtocol>(_ text: S) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}

/// A parsed `fieldSelector` with `=`, `==` or `!=` on dotted field paths: `metadata.name` and
/// `metadata.namespace` (every kind; kubectl wait uses them), and the kind-specific fields such as
/// `involvedObject.uid` (kubectl describe's event query) or `status.phase`. A missing field
/// compares as the empty string, as on the real server.
struct FieldSelector: Sendable, Equatable {
    struct Requirement: Sendable, Equatable {
        var field: String
        var value: String
        var equal: Bool
    }

    var requirements: [Requirement] = []

    init() {}

    init(parsing text: String) throws {
        for raw in text.split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            let requirement: Requirement
            if let range = part.range(of: "!=") {
                requirement = Requirement(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: false)
            } else if let range = part.range(of: "==") {
                requirement = Requirement(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: true)
            } else if let range = part.range(of: "=") {
                requirement = Requirement(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: true)
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(part)'")
            }
            let segments = requirement.field.split(separator: ".", omittingEmptySubsequences: false)
            guard !segments.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
                throw APIError.badRequest("field label not supported: \(requirement.field)")
            }
            requirements.append(requirement)
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let path = requirement.field.split(separator: ".").map(String.init)
            let actual: String
            switch object[path: path] {
            case .string(let text)?: actual = text
            case .int(let number)?: actual = String(number)
            case .bool(let flag)?: actual = String(flag)
            default: actual = ""
            }
            return (actual == requirement.value) == requirement.equal
        }
    }
}

extension JSONValue {
    /// `metadata.labels` as a string map (non-string values are ignored).
    var labels: [String: String] {
        guard let members = self[path: ["metadata", "labels"]]?.objectValue else { return [:] }
        return members.compactMapValues(\.stringValue)
    }
}
