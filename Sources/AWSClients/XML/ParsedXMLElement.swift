import Foundation

/// One element of a decoded AWS XML response: a small immutable tree, so response decoding is
/// plain navigation with errors that name the missing path instead of silent empty values.
public struct ParsedXMLElement: Sendable, Equatable {
    /// Local name, without any namespace prefix.
    public var name: String
    public var attributes: [String: String]
    /// Character data directly inside this element (CDATA included), untrimmed.
    public var text: String
    public var children: [ParsedXMLElement]

    public init(name: String, attributes: [String: String] = [:], text: String = "", children: [ParsedXMLElement] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// First direct child with that local name.
    public func child(_ name: String) -> ParsedXMLElement? {
        children.first { $0.name == name }
    }

    /// All direct children with that local name, in document order.
    public func children(named name: String) -> [ParsedXMLElement] {
        children.filter { $0.name == name }
    }

    /// Follows a path of child names; `nil` when any step is missing.
    public func element(at path: [String]) -> ParsedXMLElement? {
        var current = self
        for step in path {
            guard let next = current.child(step) else { return nil }
            current = next
        }
        return current
    }

    /// Follows a path of child names, failing with the full path when a step is missing.
    public func requiredElement(at path: [String]) throws(XMLDecodingError) -> ParsedXMLElement {
        guard let found = element(at: path) else {
            throw .missingElement(path: ([name] + path).joined(separator: "/"))
        }
        return found
    }

    /// Text of the child at `path`, or `nil` when absent.
    public func text(at path: [String]) -> String? {
        element(at: path)?.text
    }

    /// Text of the child at `path`; a missing element is an error naming the path.
    public func requiredText(at path: [String]) throws(XMLDecodingError) -> String {
        try requiredElement(at: path).text
    }

    /// Integer text at `path`, or `nil` when absent; present but not an integer is an error.
    public func integer(at path: [String]) throws(XMLDecodingError) -> Int? {
        guard let raw = text(at: path) else { return nil }
        guard let value = Int(raw.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .invalidValue(path: ([name] + path).joined(separator: "/"), value: raw, expected: "an integer")
        }
        return value
    }

    /// `true`/`false` text at `path`, or `nil` when absent; anything else is an error.
    public func boolean(at path: [String]) throws(XMLDecodingError) -> Bool? {
        guard let raw = text(at: path) else { return nil }
        switch raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw .invalidValue(path: ([name] + path).joined(separator: "/"), value: raw, expected: "true or false")
        }
    }

    /// ISO 8601 timestamp at `path` (fractional seconds of any length allowed), or `nil` when absent.
    public func date(at path: [String]) throws(XMLDecodingError) -> Date? {
        guard let raw = text(at: path) else { return nil }
        guard let value = ISO8601Timestamp.parse(raw.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .invalidValue(path: ([name] + path).joined(separator: "/"), value: raw, expected: "an ISO 8601 timestamp")
        }
        return value
    }

    /// Texts of the `member` children of the element at `path` (the Query API's list shape).
    public func memberTexts(at path: [String]) -> [String] {
        element(at: path)?.children(named: "member").map(\.text) ?? []
    }
}
