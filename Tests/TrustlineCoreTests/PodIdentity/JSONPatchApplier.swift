import KubeModels
@testable import TrustlineCore

/// A small RFC 6902 applier for the tests: `add` only (the one operation the webhook emits),
/// with the RFC's rules an API server enforces: the parent must exist, an array index must be
/// in 0...count or `-`, and an object member is created or replaced.
enum JSONPatchApplier {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func apply(_ operations: [JSONValue], to document: JSONValue) throws -> JSONValue {
        var result = document
        for operation in operations {
            guard operation["op"]?.stringValue == "add" else { throw Failure(description: "unsupported operation \(operation)") }
            guard let path = operation["path"]?.stringValue, let value = operation["value"] else {
                throw Failure(description: "operation without path or value: \(operation)")
            }
            let tokens = JSONPointer.tokens(path)
            guard !tokens.isEmpty else { throw Failure(description: "add at the root is not used") }
            result = try add(value, at: tokens[...], in: result, path: path)
        }
        return result
    }

    private static func add(_ value: JSONValue, at tokens: ArraySlice<String>, in node: JSONValue, path: String) throws -> JSONValue {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch node {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else { throw Failure(description: "\(path): member \(token) does not exist") }
                members[token] = try add(value, at: rest, in: child, path: path)
            }
            return .object(members)
        case .array(var elements):
            if rest.isEmpty {
                if token == "-" {
                    elements.append(value)
                } else {
                    guard let index = Int(token), (0...elements.count).contains(index) else { throw Failure(description: "\(path): bad index \(token)") }
                    elements.insert(value, at: index)
                }
            } else {
                guard let index = Int(token), elements.indices.contains(index) else { throw Failure(description: "\(path): bad index \(token)") }
                elements[index] = try add(value, at: rest, in: elements[index], path: path)
            }
            return .array(elements)
        default:
            throw Failure(description: "\(path): \(token) is under a \(node.jsonTypeName)")
        }
    }
}
