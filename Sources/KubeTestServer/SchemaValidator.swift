import Foundation

/// Applies a CRD's structural OpenAPI v3 schema the way the API server does on every write:
/// defaults filled in, unknown fields pruned, then required fields, types, enums, bounds,
/// lengths, patterns and item counts checked, each failure naming its field path.
struct SchemaValidator: Sendable {
    let schema: JSONValue

    /// Defaults, prunes and validates a whole custom object; metadata, kind and apiVersion are
    /// the server's business, not the schema's.
    func admit(_ object: inout JSONValue) -> [FieldError] {
        var unknownFields: [String] = []
        return admit(&object, unknownFields: &unknownFields)
    }

    /// As `admit(_:)`, also reporting the paths of pruned unknown fields (for `fieldValidation=Strict`).
    func admit(_ object: inout JSONValue, unknownFields: inout [String]) -> [FieldError] {
        var body = object
        var reserved: [String: JSONValue] = [:]
        for key in ["apiVersion", "kind", "metadata"] {
            reserved[key] = body[key]
            body[key] = nil
        }
        applyDefaults(&body, schema: schema)
        prune(&body, schema: schema, path: "", removed: &unknownFields)
        var errors: [FieldError] = []
        if case .object(let members) = body {
            let properties = schema["properties"]?.objectValue ?? [:]
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where reserved.keys.contains(required) == false && members[required] == nil {
                errors.append(.required(required))
            }
            for key in members.keys.sorted() {
                guard let value = members[key], let propertySchema = properties[key] else { continue }
                validate(value, schema: propertySchema, path: key, errors: &errors)
            }
        }
        for (key, value) in reserved { body[key] = value }
        object = body
        return errors
    }

    // MARK: Defaulting

    func applyDefaults(_ value: inout JSONValue, schema: JSONValue) {
        switch value {
        case .object(var members):
            if let properties = schema["properties"]?.objectValue {
                for (key, propertySchema) in properties {
                    if members[key] == nil, let defaultValue = propertySchema["default"] {
                        members[key] = defaultValue
                    }
                    if var child = members[key] {
                        applyDefaults(&child, schema: propertySchema)
                        members[key] = child
                    }
                }
            } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                for (key, child) in members {
                    var copy = child
                    applyDefaults(&copy, schema: additional)
                    members[key] = copy
                }
            }
            value = .object(members)
        case .array(var items):
            if let itemSchema = schema["items"] {
                for index in items.indices { applyDefaults(&items[index], schema: itemSchema) }
            }
            value = .array(items)
        default:
            break
        }
    }

    // MARK: Pruning

    func prune(_ value: inout JSONValue, schema: JSONValue) {
        var removed: [String] = []
        prune(&value, schema: schema, path: "", removed: &removed)
    }

    func prune(_ value: inout JSONValue, schema: JSONValue, path: String, removed: inout [String]) {
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        switch value {
        case .object(var members):
            if let properties = schema["properties"]?.objectValue {
                for key in Array(members.keys) {
                    if let propertySchema = properties[key] {
                        if var child = members[key] {
                            prune(&child, schema: propertySchema, path: Self.join(path, key), removed: &removed)
                            members[key] = child
                        }
                    } else if !preserve && schema["additionalProperties"] == nil {
                        members[key] = nil
                        removed.append(Self.join(path, key))
                    }
                }
            } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                for (key, child) in members {
                    var copy = child
                    prune(&copy, schema: additional, path: Self.join(path, key), removed: &removed)
                    members[key] = copy
                }
            } else if !preserve && schema["type"]?.stringValue == "object" && schema["additionalProperties"] == nil {
                removed.append(contentsOf: members.keys.sorted().map { Self.join(path, $0) })
                members = [:]
            }
            value = .object(members)
        case .array(var items):
            if let itemSchema = schema["items"] {
                for index in items.indices {
                    prune(&items[index], schema: itemSchema, path: "\(path)[\(index)]", removed: &removed)
                }
            }
            value = .array(items)
        default:
            break
        }
    }

    // MARK: Validation

    func validate(_ value: JSONValue, schema: JSONValue, path: String, errors: inout [FieldError]) {
        if value.isNull {
            if schema["nullable"]?.boolValue == true { return }
            if let type = schema["type"]?.stringValue {
                errors.append(.invalid(path, value: .string("null"), detail: "\(path) in body must be of type \(type): \"null\""))
            }
            return
        }
        let intOrString = schema["x-kubernetes-int-or-string"]?.boolValue == true
        if intOrString {
            if value.intValue == nil && value.stringValue == nil {
                errors.append(.invalid(path, value: .string(value.typeName), detail: "\(path) in body must be of type integer,string: \"\(value.typeName)\""))
                return
            }
        } else if let type = schema["type"]?.stringValue, !Self.value(value, hasType: type) {
            errors.append(.invalid(path, value: .string(value.typeName), detail: "\(path) in body must be of type \(type): \"\(value.typeName)\""))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { Self.same($0, value) }) {
            let rendered = allowed.map { FieldError.renderValue($0) }.joined(separator: ", ")
            errors.append(FieldError(
                field: path, reason: "FieldValueNotSupported",
                message: "Unsupported value: \(FieldError.renderValue(value)): supported values: \(rendered)"))
        }
        switch value {
        case .int, .double:
            validateNumber(value, schema: schema, path: path, errors: &errors)
        case .string(let text):
            validateString(text, schema: schema, path: path, errors: &errors)
        case .array(let items):
            if let maxItems = schema["maxItems"]?.intValue, items.count > maxItems {
                errors.append(FieldError(field: path, reason: "FieldValueTooMany", message: "Too many: \(items.count): must have at most \(maxItems) items"))
            }
            if let minItems = schema["minItems"]?.intValue, items.count < minItems {
                errors.append(.invalid(path, value: .int(Int64(items.count)), detail: "\(path) in body should have at least \(minItems) items"))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, schema: itemSchema, path: "\(path)[\(index)]", errors: &errors)
                }
            }
            validateListType(items, schema: schema, path: path, errors: &errors)
        case .object(let members):
            validateObject(members, schema: schema, path: path, errors: &errors)
        default:
            break
        }
    }

    /// `x-kubernetes-list-type`: `set` items and `map` keys must be unique.
    private func validateListType(_ items: [JSONValue], schema: JSONValue, path: String, errors: inout [FieldError]) {
        let listType = schema["x-kubernetes-list-type"]?.stringValue
        guard listType == "set" || listType == "map" else { return }
        let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var seen: [JSONValue] = []
        for (index, item) in items.enumerated() {
            let identity: JSONValue = listType == "set" ? item : .array(keys.map { item[$0] ?? .null })
            if seen.contains(identity) {
                let rendered = listType == "set" ? FieldError.renderValue(item)
                    : "map[string]interface {}{" + keys.map { "\"\($0)\":\(FieldError.renderValue(item[$0] ?? .null))" }.joined(separator: ", ") + "}"
                errors.append(FieldError(field: "\(path)[\(index)]", reason: "FieldValueDuplicate", message: "Duplicate value: \(rendered)"))
            } else {
                seen.append(identity)
            }
        }
    }

    private func validateObject(_ members: [String: JSONValue], schema: JSONValue, path: String, errors: inout [FieldError]) {
        if let maxProperties = schema["maxProperties"]?.intValue, members.count > maxProperties {
            errors.append(FieldError(field: path, reason: "FieldValueTooMany", message: "Too many: \(members.count): must have at most \(maxProperties) items"))
        }
        if let minProperties = schema["minProperties"]?.intValue, members.count < minProperties {
            errors.append(.invalid(path, value: .int(Int64(members.count)), detail: "\(path) in body should have at least \(minProperties) properties"))
        }
        for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[required] == nil {
            errors.append(.required("\(path).\(required)"))
        }
        let properties = schema["properties"]?.objectValue
        let additional = schema["additionalProperties"]
        for key in members.keys.sorted() {
            guard let child = members[key] else { continue }
            if let propertySchema = properties?[key] {
                validate(child, schema: propertySchema, path: "\(path).\(key)", errors: &errors)
            } else if let additional, additional.objectValue != nil {
                validate(child, schema: additional, path: "\(path).\(key)", errors: &errors)
            }
        }
    }

    private func validateNumber(_ value: JSONValue, schema: JSONValue, path: String, errors: inout [FieldError]) {
        guard let number = value.doubleValue else { return }
        if let minimum = schema["minimum"]?.doubleValue {
            let exclusive = schema["exclusiveMinimum"]?.boolValue == true
            if exclusive ? number <= minimum : number < minimum {
                errors.append(.invalid(path, value: value, detail: "\(path) in body should be greater than \(exclusive ? "" : "or equal to ")\(Self.render(schema["minimum"]))"))
            }
        }
        if let maximum = schema["maximum"]?.doubleValue {
            let exclusive = schema["exclusiveMaximum"]?.boolValue == true
            if exclusive ? number >= maximum : number > maximum {
                errors.append(.invalid(path, value: value, detail: "\(path) in body should be less than \(exclusive ? "" : "or equal to ")\(Self.render(schema["maximum"]))"))
            }
        }
    }

    private func validateString(_ text: String, schema: JSONValue, path: String, errors: inout [FieldError]) {
        let length = text.count
        if let maxLength = schema["maxLength"]?.intValue, length > maxLength {
            errors.append(FieldError(field: path, reason: "FieldValueTooLong", message: "Too long: may not be more than \(maxLength) bytes"))
        }
        if let minLength = schema["minLength"]?.intValue, length < minLength {
            errors.append(.invalid(path, value: .string(text), detail: "\(path) in body should be at least \(minLength) chars long"))
        }
        if let pattern = schema["pattern"]?.stringValue {
            if let regex = try? Regex(pattern) {
                if (try? regex.firstMatch(in: text)) == nil {
                    errors.append(.invalid(path, value: .string(text), detail: "\(path) in body should match '\(pattern)'"))
                }
            }
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int): return true
        case ("integer", .double(let number)): return number.rounded() == number
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }

    static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    static func render(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if let integer = value.intValue { return String(integer) }
        return FieldError.renderValue(value)
    }
}
