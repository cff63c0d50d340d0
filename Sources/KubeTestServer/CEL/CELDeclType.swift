import Foundation

/// The type a CRD schema node has inside a CEL rule, built the way the API server builds its
/// `DeclType`: objects expose only their declared properties (an object that merely preserves
/// unknown fields has none), `additionalProperties` makes a map, and every list, map and string
/// carries the largest size it can have. That size is `maxItems`/`maxProperties`, `maxLength`
/// times 4 (bytes per code point), the longest enum value, or, when the schema sets no bound,
/// what fits in one 3 MiB request given the element's smallest JSON form. Rule costs are
/// estimated from these sizes.
struct CELDeclType: Sendable, CustomStringConvertible {
    indirect enum Kind: Sendable {
        case bool, int, uint, double, string, bytes, timestamp, duration, null, dyn
        case object([String: CELDeclType])
        case list(CELDeclType)
        case map(key: CELDeclType, value: CELDeclType)
    }

    var kind: Kind
    /// Largest number of items, properties or (for strings) bytes; 0 when the API server
    /// tracks none (scalars, and map keys, which no schema bounds).
    var maxElements: UInt64 = 0
    /// Smallest size of the value serialized as JSON, in bytes.
    var minSerializedSize: UInt64 = 1

    /// The API server's request size limit, the bound of everything a schema leaves unbounded.
    static let maxRequestSizeBytes: UInt64 = 3 * 1024 * 1024
    static let minStringSize: UInt64 = 2
    static let minBoolSize: UInt64 = 4
    static let minNumberSize: UInt64 = 1
    static let jsonDateSize: UInt64 = 12
    static let minDatetimeSizeJSON: UInt64 = 21
    static let maxDatetimeSizeJSON: UInt64 = 32
    static let minDurationSizeJSON: UInt64 = 3
    static let maxDurationSizeJSON: UInt64 = 32

    static let bool = CELDeclType(kind: .bool, minSerializedSize: minBoolSize)
    static let int = CELDeclType(kind: .int, minSerializedSize: minNumberSize)
    static let uint = CELDeclType(kind: .uint, minSerializedSize: 1)
    static let double = CELDeclType(kind: .double, minSerializedSize: minNumberSize)
    static let string = CELDeclType(kind: .string, minSerializedSize: minStringSize)
    static let null = CELDeclType(kind: .null, minSerializedSize: 4)
    static let dyn = CELDeclType(kind: .dyn, minSerializedSize: 1)

    static func list(_ element: CELDeclType, maxItems: UInt64 = UInt64.max) -> CELDeclType {
        CELDeclType(kind: .list(element), maxElements: maxItems, minSerializedSize: 2)
    }

    /// The CEL name used in messages, as cel-go prints types.
    var description: String {
        switch kind {
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "google.protobuf.Timestamp"
        case .duration: return "google.protobuf.Duration"
        case .null: return "null_type"
        case .dyn: return "dyn"
        case .object: return "object"
        case .list(let element): return "list(\(element))"
        case .map(let key, let value): return "map(\(key), \(value))"
        }
    }

    /// Scalars have a fixed size of 1 for cost estimation.
    var isScalar: Bool {
        switch kind {
        case .bool, .int, .uint, .double, .timestamp, .duration, .null: return true
        default: return false
        }
    }

    var isDyn: Bool { if case .dyn = kind { return true } else { return false } }

    // MARK: From a schema

    /// The type of a structural schema node; nil when the API server does not expose the node
    /// to rules (an array of unexposed items, a node with no type). `isResourceRoot` adds
    /// `apiVersion`, `kind` and `metadata.name`/`generateName`, which rules at the root can read.
    static func from(schema: JSONValue, isResourceRoot: Bool = false) -> CELDeclType? {
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            var dyn = CELDeclType.dyn
            dyn.maxElements = schema["maxLength"]?.intValue.map { nonNegative($0) * 4 } ?? (maxRequestSizeBytes - 2)
            return dyn
        }
        switch schema["type"]?.stringValue {
        case "array":
            guard let itemSchema = schema["items"], let items = from(schema: itemSchema, isResourceRoot: itemSchema["x-kubernetes-embedded-resource"]?.boolValue == true) else { return nil }
            let maxItems = schema["maxItems"]?.intValue.map(nonNegative) ?? (maxRequestSizeBytes - 2) / (items.minSerializedSize + 1)
            return list(items, maxItems: maxItems)
        case "object":
            if let additional = schema["additionalProperties"], additional.objectValue != nil {
                guard let values = from(schema: additional, isResourceRoot: additional["x-kubernetes-embedded-resource"]?.boolValue == true) else {
                    return CELDeclType(kind: .map(key: .string, value: .dyn), maxElements: UInt64(Int.max), minSerializedSize: 2)
                }
                let maxProperties = schema["maxProperties"]?.intValue.map(nonNegative) ?? (maxRequestSizeBytes - 2) / (values.minSerializedSize + 6)
                return CELDeclType(kind: .map(key: .string, value: values), maxElements: maxProperties, minSerializedSize: 2)
            }
            var properties = schema["properties"]?.objectValue ?? [:]
            if isResourceRoot {
                properties["apiVersion"] = ["type": "string"]
                properties["kind"] = ["type": "string"]
                var metadata = properties["metadata"] ?? ["type": "object"]
                var metadataProperties = metadata["properties"]?.objectValue ?? [:]
                metadataProperties["name"] = ["type": "string"]
                metadataProperties["generateName"] = ["type": "string"]
                metadata["properties"] = .object(metadataProperties)
                properties["metadata"] = metadata
            }
            let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var fields: [String: CELDeclType] = [:]
            var minSize: UInt64 = 2
            for (name, propertySchema) in properties {
                guard let field = from(schema: propertySchema, isResourceRoot: propertySchema["x-kubernetes-embedded-resource"]?.boolValue == true) else { continue }
                fields[name] = field
                if required.contains(name) && propertySchema["default"] == nil {
                    minSize += UInt64(name.utf8.count) + field.minSerializedSize + 4
                }
            }
            return CELDeclType(kind: .object(fields), minSerializedSize: minSize)
        case "string":
            switch schema["format"]?.stringValue {
            case "byte":
                let max = schema["maxLength"]?.intValue.map(nonNegative) ?? maxRequestSizeBytes - 2
                return CELDeclType(kind: .bytes, maxElements: max, minSerializedSize: minStringSize)
            case "duration":
                return CELDeclType(kind: .duration, maxElements: maxDurationSizeJSON, minSerializedSize: minDurationSizeJSON)
            case "date":
                return CELDeclType(kind: .timestamp, maxElements: jsonDateSize, minSerializedSize: jsonDateSize)
            case "date-time":
                return CELDeclType(kind: .timestamp, maxElements: maxDatetimeSizeJSON, minSerializedSize: minDatetimeSizeJSON)
            default:
                var string = CELDeclType.string
                if let maxLength = schema["maxLength"]?.intValue {
                    string.maxElements = nonNegative(maxLength) * 4
                } else if let values = schema["enum"]?.arrayValue, !values.isEmpty {
                    string.maxElements = values.compactMap { $0.stringValue.map { UInt64($0.utf8.count) } }.max() ?? 0
                } else {
                    string.maxElements = maxRequestSizeBytes - 2
                }
                return string
            }
        case "boolean": return .bool
        case "number": return .double
        case "integer": return .int
        default: return nil
        }
    }

    private static func nonNegative(_ value: Int64) -> UInt64 { value < 0 ? 0 : UInt64(value) }

    /// How many times a value of this type can repeat in one request: the rule cost multiplier
    /// for a rule under lists or maps that set no bound.
    var maxCardinality: UInt64 { Self.maxRequestSizeBytes / (minSerializedSize + 1) }
}
