import KubeModels

/// Checks a document against a CRD's structural `openAPIV3Schema` the way the API server refuses
/// a create under `fieldValidation=Strict` (what `kubectl apply` sends), so `trustline plan` can
/// gate a pull request with the same schema the cluster uses (docs/design.md section 6). It
/// reports every problem with its field path; defaults are not applied (they never refuse), and
/// CEL rules are left to the operator's own spec validation, which refuses the same inputs.
public struct StructuralSchemaValidator: Sendable {
    /// The version's `openAPIV3Schema`.
    public let schema: JSONValue

    public init(schema: JSONValue) {
        self.schema = schema
    }

    /// Every problem of `document`. `apiVersion` and `kind` are the caller's business; `metadata`
    /// is checked only for what a create needs (an object with a name).
    public func problems(in document: JSONValue) -> [DocumentProblem] {
        guard let members = document.jsonMembers else {
            return [.error(field: "", "the document is a \(document.jsonTypeName), not an object")]
        }
        var problems: [DocumentProblem] = []
        switch members["metadata"] {
        case nil:
            problems.append(.error(field: "metadata.name", "required: the resource needs a name; add metadata.name"))
        case .object(let metadata)?:
            if metadata["name"]?.stringValue?.isEmpty ?? true {
                problems.append(.error(field: "metadata.name", "required: the resource needs a name (a string); add metadata.name"))
            }
            if let namespace = metadata["namespace"], namespace.stringValue == nil {
                problems.append(.error(field: "metadata.namespace", "must be a string, not a \(namespace.jsonTypeName)"))
            }
        case let other?:
            problems.append(.error(field: "metadata", "must be an object, not a \(other.jsonTypeName)"))
        }
        var body = members
        for reserved in ["apiVersion", "kind", "metadata"] { body[reserved] = nil }
        var rootSchema = schema
        if case .object(var schemaMembers) = schema, case .object(var properties)? = schemaMembers["properties"] {
            for reserved in ["apiVersion", "kind", "metadata"] { properties[reserved] = nil }
            schemaMembers["properties"] = .object(properties)
            var required = schemaMembers["required"]?.jsonElements ?? []
            required.removeAll { ["apiVersion", "kind", "metadata"].contains($0.stringValue ?? "") }
            schemaMembers["required"] = .array(required)
            rootSchema = .object(schemaMembers)
        }
        validate(.object(body), schema: rootSchema, path: "", into: &problems)
        return problems
    }

    // MARK: Walking the schema

    func validate(_ value: JSONValue, schema: JSONValue, path: String, into problems: inout [DocumentProblem]) {
        // The API server prunes a null of a non-nullable field before validating: it counts as absent.
        if value == .null { return }
        if let type = schema["type"]?.stringValue, !Self.value(value, hasType: type) {
            problems.append(.error(field: path, "must be of type \(type), not \(Self.describe(value)); \(Self.typeHint(type))"))
            return
        }
        if let allowed = schema["enum"]?.jsonElements, !allowed.contains(value) {
            let list = allowed.map(Self.describe).joined(separator: ", ")
            problems.append(.error(field: path, "\(Self.describe(value)) is not supported; use one of \(list)"))
        }
        switch value {
        case .number(let number):
            checkBounds(number, schema: schema, path: path, into: &problems)
        case .string(let text):
            checkString(text, schema: schema, path: path, into: &problems)
        case .array(let items):
            checkArray(items, schema: schema, path: path, into: &problems)
        case .object(let members):
            checkObject(members, schema: schema, path: path, into: &problems)
        case .bool, .null:
            break
        }
    }

    private func checkBounds(_ number: Double, schema: JSONValue, path: String, into problems: inout [DocumentProblem]) {
        if case .number(let minimum)? = schema["minimum"], number < minimum {
            problems.append(.error(field: path, "\(Self.describe(.number(number))) is below the minimum \(Self.describe(.number(minimum))); use a value from \(Self.range(schema))"))
        }
        if case .number(let maximum)? = schema["maximum"], number > maximum {
            problems.append(.error(field: path, "\(Self.describe(.number(number))) is above the maximum \(Self.describe(.number(maximum))); use a value from \(Self.range(schema))"))
        }
    }

    private func checkString(_ text: String, schema: JSONValue, path: String, into problems: inout [DocumentProblem]) {
        // The API server counts runes (Unicode scalars), not bytes or grapheme clusters.
        let length = text.unicodeScalars.count
        if case .number(let maxLength)? = schema["maxLength"], Double(length) > maxLength {
            problems.append(.error(field: path, "is \(length) characters long; at most \(Int(maxLength)) are allowed"))
        }
        if case .number(let minLength)? = schema["minLength"], Double(length) < minLength {
            problems.append(.error(field: path, "is \(length) characters long; at least \(Int(minLength)) are needed"))
        }
        if let pattern = schema["pattern"]?.stringValue {
            switch SchemaPattern.matches(text, pattern: pattern) {
            case .some(true):
                break
            case .some(false):
                problems.append(.error(field: path, "\(Self.describe(.string(text))) does not match the pattern '\(pattern)'"))
            case .none:
                problems.append(.error(field: path, "the schema's pattern '\(pattern)' cannot be compiled; report this as a bug"))
            }
        }
    }

    private func checkArray(_ items: [JSONValue], schema: JSONValue, path: String, into problems: inout [DocumentProblem]) {
        if case .number(let maxItems)? = schema["maxItems"], Double(items.count) > maxItems {
            problems.append(.error(field: path, "has \(items.count) items; at most \(Int(maxItems)) are allowed"))
        }
        if case .number(let minItems)? = schema["minItems"], Double(items.count) < minItems {
            problems.append(.error(field: path, "has \(items.count) items; at least \(Int(minItems)) are needed"))
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                validate(item, schema: itemSchema, path: "\(path)[\(index)]", into: &problems)
            }
        }
        let listType = schema["x-kubernetes-list-type"]?.stringValue
        guard listType == "set" || listType == "map" else { return }
        let keys = schema["x-kubernetes-list-map-keys"]?.jsonElements?.compactMap(\.stringValue) ?? []
        var firstIndex: [JSONValue: Int] = [:]
        for (index, item) in items.enumerated() {
            let identity: JSONValue = listType == "set" ? item : .array(keys.map { item[$0] ?? .null })
            if let first = firstIndex[identity] {
                let what = listType == "set" ? Self.describe(item) : keys.map { "\($0) \(Self.describe(item[$0] ?? .null))" }.joined(separator: ", ")
                problems.append(.error(field: "\(path)[\(index)]", "duplicates \(path)[\(first)] (\(what)); each entry may appear once"))
            } else {
                firstIndex[identity] = index
            }
        }
    }

    private func checkObject(_ members: [String: JSONValue], schema: JSONValue, path: String, into problems: inout [DocumentProblem]) {
        if case .number(let maxProperties)? = schema["maxProperties"], Double(members.count) > maxProperties {
            problems.append(.error(field: path, "has \(members.count) entries; at most \(Int(maxProperties)) are allowed"))
        }
        if case .number(let minProperties)? = schema["minProperties"], Double(members.count) < minProperties {
            problems.append(.error(field: path, "has \(members.count) entries; at least \(Int(minProperties)) are needed"))
        }
        for required in schema["required"]?.jsonElements?.compactMap(\.stringValue) ?? []
        where members[required] == nil || members[required] == .null {
            problems.append(.error(field: Self.join(path, required), "required; add it"))
        }
        let properties = schema["properties"]?.jsonMembers ?? [:]
        let preservesUnknown = schema["x-kubernetes-preserve-unknown-fields"] == .bool(true)
        for key in members.keys.sorted() {
            guard let child = members[key] else { continue }
            let childPath = Self.join(path, key)
            if let propertySchema = properties[key] {
                validate(child, schema: propertySchema, path: childPath, into: &problems)
            } else if let additional = schema["additionalProperties"], additional.jsonMembers != nil {
                validate(child, schema: additional, path: childPath, into: &problems)
            } else if !preservesUnknown && schema["additionalProperties"] != .bool(true) {
                problems.append(.error(field: childPath, Self.unknownFieldMessage(key, known: properties.keys.sorted())))
            }
        }
    }

    // MARK: Messages

    static func unknownFieldMessage(_ key: String, known: [String]) -> String {
        var message = "unknown field \"\(key)\": the API server refuses it (strict field validation)"
        if let suggestion = EditDistance.closest(to: key, among: known) {
            message += "; did you mean \"\(suggestion)\"?"
        } else if known.isEmpty {
            message += "; remove it"
        } else {
            message += "; remove it or use one of \(known.joined(separator: ", "))"
        }
        return message
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number): return true
        case ("integer", .number(let number)): return number.rounded() == number && number.isFinite
        default: return false
        }
    }

    static func typeHint(_ type: String) -> String {
        switch type {
        case "string": return "quote the value"
        case "integer": return "write a whole number without quotes"
        case "number": return "write a number without quotes"
        case "boolean": return "write true or false without quotes"
        case "array": return "write a list (- item, or [a, b])"
        default: return "write a mapping (key: value)"
        }
    }

    static func range(_ schema: JSONValue) -> String {
        let low = schema["minimum"].map(describe) ?? "-infinity"
        let high = schema["maximum"].map(describe) ?? "infinity"
        return "\(low) to \(high)"
    }

    /// A value as a person reads it in a message: numbers without a needless `.0`, strings quoted.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return "\"\(text)\""
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}
