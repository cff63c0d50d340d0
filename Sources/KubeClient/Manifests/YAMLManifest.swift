import Foundation
import KubeModels
import Yams

/// Reads Kubernetes manifests (YAML, several documents separated by `---`) into JSON values and
/// typed objects, so CRDs and sample resources on disk can be sent through the typed client and
/// `trustline plan` can read the files users apply.
public enum YAMLManifest {
    /// One document of a manifest file, with its position for error messages.
    public struct Document: Sendable {
        /// 0-based index among the non-empty documents of the file.
        public var index: Int
        public var value: JSONValue

        public var apiVersion: String? { value["apiVersion"]?.stringValue }
        public var kind: String? { value["kind"]?.stringValue }

        /// Decodes this document as a typed object.
        public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
            try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(value))
        }
    }

    /// A manifest that is not valid YAML, or uses YAML Kubernetes cannot express as JSON.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var source: String
        public var problem: String
        public var description: String { "\(source): \(problem)" }
    }

    /// Parses every non-empty document of `text`; `source` names the file in errors. A document
    /// that expands to more than `maximumValues` values is refused (`defaultMaximumValues`).
    public static func documents(
        _ text: String, source: String = "manifest", maximumValues: Int = defaultMaximumValues
    ) throws(ParseError) -> [Document] {
        var nodes: [Node] = []
        do {
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() { nodes.append(node) }
        } catch {
            throw ParseError(source: source, problem: "is not valid YAML: \(error)")
        }
        var result: [Document] = []
        for node in nodes {
            var budget = maximumValues
            let value = try json(node, source: source, path: "", budget: &budget)
            if value == .null { continue }
            result.append(Document(index: result.count, value: value))
        }
        return result
    }

    /// The most values (scalars, lists, mappings) one document may expand to. Yams resolves anchors
    /// and aliases into shared nodes, so a few hundred bytes of aliases repeated inside each other
    /// ("billion laughs") would otherwise expand to 10^9 values and hang `--config` or `plan`
    /// (found while fuzzing the settings loader, docs/fuzzing.md). Real manifests stay far below it: the API server
    /// refuses requests over 3 MiB.
    public static let defaultMaximumValues = 1_000_000

    /// `budget` counts down the values this document may still expand to.
    static func json(_ node: Node, source: String, path: String, budget: inout Int) throws(ParseError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw ParseError(
                source: source,
                problem: "expands to too many values at \(path.isEmpty ? "top level" : path) (more than one document may hold); "
                    + "are YAML anchors and aliases repeated inside each other? Write the values out")
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if let value = Bool.construct(from: scalar) { return .bool(value) }
            if let value = Int.construct(from: scalar) { return .number(Double(value)) }
            if let value = Double.construct(from: scalar), scalar.string.contains(where: { $0.isNumber }) {
                return .number(value)
            }
            if NSNull.construct(from: scalar) != nil { return .null }
            return .string(scalar.string)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try json(item, source: source, path: "\(path)[\(index)]", budget: &budget))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ParseError(source: source, problem: "\(path.isEmpty ? "top level" : path) has a non-string key")
                }
                let child = path.isEmpty ? keyScalar.string : "\(path).\(keyScalar.string)"
                members[keyScalar.string] = try json(value, source: source, path: child, budget: &budget)
            }
            return .object(members)
        case .alias:
            throw ParseError(source: source, problem: "\(path) uses a YAML alias, which Kubernetes manifests do not support")
        }
    }
}
