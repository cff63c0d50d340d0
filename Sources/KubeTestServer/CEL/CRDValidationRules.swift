import Foundation

/// What the API server checks about a CRD's `x-kubernetes-validations` rules when the CRD is
/// created or updated: each rule compiles against its schema node's type and returns a bool,
/// each rule's estimated cost (times how often its node can repeat in one object) stays under
/// the per-rule limit, and the sum over the schema stays under the per-CRD limit. Errors carry
/// the API server's field paths and texts, so a CRD refused here reads as it would on a cluster.
enum CRDValidationRules {
    /// `StaticEstimatedCostLimit` of apiextensions validation: the largest estimated cost of one rule.
    static let perRuleCostLimit: UInt64 = 10_000_000
    /// `StaticEstimatedCRDCostLimit`: the largest estimated total over one schema.
    static let perCRDCostLimit: UInt64 = 100_000_000

    /// The rule errors of a whole CRD. When every version has the same schema the API server
    /// reports them under `spec.validation.openAPIV3Schema` (the internal form of such a CRD),
    /// otherwise under each `spec.versions[i].schema.openAPIV3Schema`.
    static func errors(for crd: JSONValue) -> [FieldError] {
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        let schemas = versions.map { $0[path: ["schema", "openAPIV3Schema"]] }
        guard let first = schemas.first, let firstSchema = first else { return [] }
        if schemas.allSatisfy({ $0 == first }) {
            return errors(schema: firstSchema, path: "spec.validation.openAPIV3Schema")
        }
        var result: [FieldError] = []
        for (index, schema) in schemas.enumerated() {
            if let schema { result += errors(schema: schema, path: "spec.versions[\(index)].schema.openAPIV3Schema") }
        }
        return result
    }

    /// One schema's rule errors, and its cost total check.
    static func errors(schema: JSONValue, path: String) -> [FieldError] {
        var walk = SchemaWalk()
        walk.visit(schema, path: path, cardinality: 1, isRoot: true)
        var result = walk.errors
        if walk.total > perCRDCostLimit {
            for expensive in walk.mostExpensive {
                result.append(FieldError(
                    field: expensive.path, reason: "FieldValueForbidden",
                    message: "Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"))
            }
            result.append(FieldError(
                field: path, reason: "FieldValueForbidden",
                message: "Forbidden: " + costMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", cost: walk.total, limit: perCRDCostLimit)))
        }
        return result
    }

    /// The API server's budget message; the factor is ">100x", `%f`, or `%.1f` as there.
    static func costMessage(_ name: String, cost: UInt64, limit: UInt64) -> String {
        let factor = Double(cost) / Double(limit)
        let rendered: String
        if factor > 100 {
            rendered = "more than 100x"
        } else if factor < 1.5 {
            rendered = String(format: "%fx", factor)
        } else {
            rendered = String(format: "%.1fx", factor)
        }
        return "\(name) exceeds budget by factor of \(rendered) (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)"
    }

    /// Compiles one rule: nil and the estimated cost when it compiles, else cel-go's display text.
    static func compile(_ rule: String, type: CELDeclType) -> (error: String?, cost: UInt64) {
        let expression: CELExpression
        do {
            expression = try CELExpression.parse(rule)
        } catch CELExpression.Failure.syntax(let message, let offset) {
            return ("compilation failed: " + display(rule, offset: offset, message: "Syntax error: \(message)"), 0)
        } catch {
            return ("compilation failed: " + display(rule, offset: 0, message: "Syntax error: \(error)"), 0)
        }
        var checker = CELRuleChecker(root: type)
        let result = checker.check(expression)
        if !checker.errors.isEmpty {
            let issues = checker.errors.sorted { $0.offset < $1.offset }.map { display(rule, offset: $0.offset, message: $0.message) }
            return ("compilation failed: " + issues.joined(separator: "\n"), 0)
        }
        guard case .bool = result.type.kind else { return ("cel expression must evaluate to a bool", 0) }
        return (nil, result.cost)
    }

    /// cel-go's `ERROR: <input>:LINE:COLUMN: message` with the source line and a caret under
    /// the 0-based column.
    static func display(_ rule: String, offset: Int, message: String) -> String {
        let characters = Array(rule)
        let clamped = max(0, min(offset, characters.count))
        let lineStart = characters[..<clamped].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let line = characters[..<clamped].filter { $0 == "\n" }.count + 1
        let column = clamped - lineStart
        let lineEnd = characters[lineStart...].firstIndex(of: "\n") ?? characters.count
        let snippet = String(characters[lineStart..<lineEnd]).replacingOccurrences(of: "\t", with: " ")
        return "ERROR: <input>:\(line):\(column + 1): \(message)\n | \(snippet)\n | \(String(repeating: ".", count: column))^"
    }

    /// A rule as Go's `%#v` prints `apiextensions.ValidationRule` in an Invalid value.
    static func goValue(_ rule: JSONValue) -> String {
        func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let reason = rule["reason"]?.stringValue == nil ? "(*apiextensions.FieldValueErrorReason)(nil)" : "(*apiextensions.FieldValueErrorReason)(0xc000000000)"
        let optionalOldSelf = rule["optionalOldSelf"]?.boolValue == nil ? "(*bool)(nil)" : "(*bool)(0xc000000000)"
        return "apiextensions.ValidationRule{Rule:\(quote(rule["rule"]?.stringValue ?? "")), Message:\(quote(rule["message"]?.stringValue ?? "")), "
            + "MessageExpression:\(quote(rule["messageExpression"]?.stringValue ?? "")), Reason:\(reason), "
            + "FieldPath:\(quote(rule["fieldPath"]?.stringValue ?? "")), OptionalOldSelf:\(optionalOldSelf)}"
    }
}

/// The recursive pass over one schema: children first, then the node's own rules, as the API
/// server orders its errors (properties in name order, where Go's map order is random).
private struct SchemaWalk {
    var errors: [FieldError] = []
    var total: UInt64 = 0
    /// The four most expensive rules costing at least 1% of the per-CRD limit, highest first.
    var mostExpensive: [(path: String, cost: UInt64)] = []

    mutating func visit(_ schema: JSONValue, path: String, cardinality: UInt64?, isRoot: Bool) {
        let childCardinality = cardinality.flatMap { parent in Self.maxElements(schema).map { parent &*| $0 } }
        if let additional = schema["additionalProperties"], additional.objectValue != nil {
            visit(additional, path: path + ".additionalProperties", cardinality: childCardinality, isRoot: false)
        }
        for (name, property) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            visit(property, path: path + ".properties[\(name)]", cardinality: childCardinality, isRoot: false)
        }
        if let items = schema["items"], items.objectValue != nil {
            visit(items, path: path + ".items", cardinality: childCardinality, isRoot: false)
        }
        let rules = schema["x-kubernetes-validations"]?.arrayValue ?? []
        guard !rules.isEmpty else { return }
        let type = CELDeclType.from(schema: schema, isResourceRoot: isRoot || schema["x-kubernetes-embedded-resource"]?.boolValue == true)
        for (index, rule) in rules.enumerated() {
            let rulePath = "\(path).x-kubernetes-validations[\(index)].rule"
            let text = rule["rule"]?.stringValue ?? ""
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                errors.append(FieldError(field: rulePath, reason: "FieldValueRequired", message: "Required value: rule is not specified"))
                continue
            }
            guard let type else {
                errors.append(FieldError(
                    field: "\(path).x-kubernetes-validations", reason: "InternalError",
                    message: "Internal error: internal error: failed to retrieve type information for x-kubernetes-validations"))
                return
            }
            let compiled = CRDValidationRules.compile(text, type: type)
            let cost = compiled.cost == 0 ? 0 : compiled.cost &*| (cardinality ?? type.maxCardinality)
            if cost > CRDValidationRules.perRuleCostLimit {
                errors.append(FieldError(
                    field: rulePath, reason: "FieldValueForbidden",
                    message: "Forbidden: " + CRDValidationRules.costMessage("estimated rule cost", cost: cost, limit: CRDValidationRules.perRuleCostLimit)))
            }
            observe(rulePath, cost: cost)
            if let error = compiled.error {
                errors.append(FieldError(field: rulePath, reason: "FieldValueInvalid", message: "Invalid value: \(CRDValidationRules.goValue(rule)): \(error)"))
            }
        }
    }

    private mutating func observe(_ path: String, cost: UInt64) {
        total = total &+| cost
        guard cost >= CRDValidationRules.perCRDCostLimit / 100 else { return }
        mostExpensive.append((path, cost))
        mostExpensive.sort { $0.cost > $1.cost }
        if mostExpensive.count > 4 { mostExpensive.removeLast(mostExpensive.count - 4) }
    }

    /// How many times each child of `schema` can occur per occurrence of `schema`; nil for an
    /// array or map with no `maxItems`/`maxProperties`.
    static func maxElements(_ schema: JSONValue) -> UInt64? {
        switch schema["type"]?.stringValue {
        case "object":
            guard schema["additionalProperties"] != nil else { return 1 }
            return schema["maxProperties"]?.intValue.map { $0 < 0 ? 0 : UInt64($0) }
        case "array":
            return schema["maxItems"]?.intValue.map { $0 < 0 ? 0 : UInt64($0) }
        default:
            return 1
        }
    }
}
