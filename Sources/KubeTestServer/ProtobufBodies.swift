import Foundation

/// Decodes the protobuf request bodies kubectl's typed clients send for built-in kinds
/// (`application/vnd.kubernetes.protobuf`: the `k8s\0` envelope around `runtime.Unknown`),
/// for the kinds kubectl creates imperatively: ServiceAccount, TokenRequest, Namespace,
/// ConfigMap, Secret, and the SelfSubjectAccessReview of `kubectl auth can-i`. Field numbers follow the Kubernetes `generated.proto` files.
enum ProtobufBodies {
    indirect enum Field: Sendable {
        case string
        case bytes
        case int
        case bool
        case message(Schema)
        case stringMap(valueIsBytes: Bool)
        case repeated(Field)
    }

    struct Schema: Sendable {
        var fields: [Int: (name: String, kind: Field)]
    }

    static let ownerReference = Schema(fields: [
        1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
        6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
    ])
    static let objectMeta = Schema(fields: [
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 7: ("generation", .int),
        11: ("labels", .stringMap(valueIsBytes: false)), 12: ("annotations", .stringMap(valueIsBytes: false)),
        13: ("ownerReferences", .repeated(.message(ownerReference))), 14: ("finalizers", .repeated(.string)),
    ])
    static let objectReference = Schema(fields: [
        1: ("kind", .string), 2: ("namespace", .string), 3: ("name", .string), 4: ("uid", .string),
        5: ("apiVersion", .string), 6: ("resourceVersion", .string), 7: ("fieldPath", .string),
    ])
    static let schemas: [String: Schema] = [
        "ServiceAccount": Schema(fields: [
            1: ("metadata", .message(objectMeta)), 2: ("secrets", .repeated(.message(objectReference))),
            3: ("imagePullSecrets", .repeated(.message(Schema(fields: [1: ("name", .string)])))),
            4: ("automountServiceAccountToken", .bool),
        ]),
        "TokenRequest": Schema(fields: [
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message(Schema(fields: [
                1: ("audiences", .repeated(.string)), 4: ("expirationSeconds", .int),
                3: ("boundObjectRef", .message(Schema(fields: [
                    1: ("kind", .string), 2: ("apiVersion", .string), 3: ("name", .string), 4: ("uid", .string),
                ]))),
            ]))),
        ]),
        "SelfSubjectAccessReview": Schema(fields: [
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message(Schema(fields: [
                1: ("resourceAttributes", .message(Schema(fields: [
                    1: ("namespace", .string), 2: ("verb", .string), 3: ("group", .string), 4: ("version", .string),
                    5: ("resource", .string), 6: ("subresource", .string), 7: ("name", .string),
                ]))),
                2: ("nonResourceAttributes", .message(Schema(fields: [1: ("path", .string), 2: ("verb", .string)]))),
            ]))),
        ]),
        "Namespace": Schema(fields: [
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message(Schema(fields: [1: ("finalizers", .repeated(.string))]))),
        ]),
        "ConfigMap": Schema(fields: [
            1: ("metadata", .message(objectMeta)), 2: ("data", .stringMap(valueIsBytes: false)),
            3: ("binaryData", .stringMap(valueIsBytes: true)), 4: ("immutable", .bool),
        ]),
        "Secret": Schema(fields: [
            1: ("metadata", .message(objectMeta)), 2: ("data", .stringMap(valueIsBytes: true)), 3: ("type", .string),
            4: ("stringData", .stringMap(valueIsBytes: false)), 5: ("immutable", .bool),
        ]),
    ]

    static let typeMeta = Schema(fields: [1: ("apiVersion", .string), 2: ("kind", .string)])
    static let unknown = Schema(fields: [1: ("typeMeta", .message(typeMeta)), 2: ("raw", .bytes)])

    /// The JSON equivalent of a protobuf body, or a 415 for kinds this server cannot read.
    static func decode(_ data: Data) throws -> JSONValue {
        let bytes = [UInt8](data)
        guard bytes.count >= 4, bytes[0...3] == [0x6b, 0x38, 0x73, 0x00] else {
            throw APIError.badRequest("protobuf body without the k8s envelope")
        }
        var envelopeReader = Reader(bytes: Array(bytes[4...]))
        let envelope = try envelopeReader.message(unknown, keepRawBytes: true)
        let kind = envelope[path: ["typeMeta", "kind"]]?.stringValue ?? ""
        let apiVersion = envelope[path: ["typeMeta", "apiVersion"]]?.stringValue ?? ""
        guard let schema = schemas[kind], case .array(let rawBytes)? = envelope["raw"] else {
            throw APIError.unsupportedMediaType(
                "application/vnd.kubernetes.protobuf",
                accepted: ["application/json", "application/yaml"])
        }
        var reader = Reader(bytes: rawBytes.compactMap { $0.intValue.map { UInt8($0) } })
        var object = try reader.message(schema, keepRawBytes: false)
        object["kind"] = .string(kind)
        object["apiVersion"] = .string(apiVersion)
        return object
    }

    struct Reader {
        var bytes: [UInt8]
        var position = 0

        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { break }
            }
            throw APIError.badRequest("malformed protobuf varint")
        }

        mutating func lengthDelimited() throws -> [UInt8] {
            let length = Int(try varint())
            guard length >= 0, position + length <= bytes.count else { throw APIError.badRequest("truncated protobuf body") }
            defer { position += length }
            return Array(bytes[position..<position + length])
        }

        /// `keepRawBytes` stores `.bytes` fields as arrays of numbers (for the envelope's `raw`).
        mutating func message(_ schema: Schema, keepRawBytes: Bool) throws -> JSONValue {
            var result: [String: JSONValue] = [:]
            while position < bytes.count {
                let key = try varint()
                let number = Int(key >> 3)
                let wireType = key & 7
                switch wireType {
                case 0:
                    let value = try varint()
                    guard let field = schema.fields[number] else { continue }
                    switch field.kind {
                    case .bool: result[field.name] = .bool(value != 0)
                    case .int: result[field.name] = .int(Int64(bitPattern: value))
                    default: break
                    }
                case 2:
                    let payload = try lengthDelimited()
                    guard let field = schema.fields[number] else { continue }
                    try store(payload, field: field.kind, name: field.name, into: &result, keepRawBytes: keepRawBytes)
                case 1:
                    position += 8
                case 5:
                    position += 4
                default:
                    throw APIError.badRequest("unsupported protobuf wire type \(wireType)")
                }
            }
            return .object(result)
        }

        private func store(_ payload: [UInt8], field: Field, name: String, into result: inout [String: JSONValue], keepRawBytes: Bool) throws {
            switch field {
            case .string:
                result[name] = .string(String(decoding: payload, as: UTF8.self))
            case .bytes:
                result[name] = keepRawBytes ? .array(payload.map { .int(Int64($0)) }) : .string(Data(payload).base64EncodedString())
            case .message(let schema):
                var reader = Reader(bytes: payload)
                result[name] = try reader.message(schema, keepRawBytes: keepRawBytes)
            case .stringMap(let valueIsBytes):
                var reader = Reader(bytes: payload)
                let entry = try reader.message(
                    Schema(fields: [1: ("key", .string), 2: ("value", valueIsBytes ? .bytes : .string)]), keepRawBytes: false)
                var map = result[name]?.objectValue ?? [:]
                map[entry["key"]?.stringValue ?? ""] = entry["value"] ?? .string("")
                result[name] = .object(map)
            case .repeated(let element):
                var single: [String: JSONValue] = [:]
                try store(payload, field: element, name: name, into: &single, keepRawBytes: keepRawBytes)
                var items = result[name]?.arrayValue ?? []
                if let value = single[name] { items.append(value) }
                result[name] = .array(items)
            case .int, .bool:
                break
            }
        }
    }
}
