import Foundation

/// Evaluates a CRD schema's `x-kubernetes-validations` rules against an object, at every
/// schema node whose value is present, with `self` bound to that value. Failures read like the
/// API server's: `spec.role.tags: Invalid value: "object": <message>`. Transition rules
/// (`oldSelf`) and rules outside the supported CEL subset are skipped.
enum CELRules {
    static func evaluate(_ object: JSONValue, schema: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        for (key, propertySchema) in schema["properties"]?.objectValue ?? [:] where !["metadata", "apiVersion", "kind"].contains(key) {
            if let value = object[key] { walk(value, schema: propertySchema, path: key, errors: &errors) }
        }
        return errors.sorted { $0.field < $1.field }
    }

    private static func walk(_ value: JSONValue, schema: JSONValue, path: String, errors: inout [FieldError]) {
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let text = rule["rule"]?.stringValue, let expression = try? CELExpression.parse(text),
                !expression.mentionsOldSelf
            else { continue }
            let passed: Bool
            do {
                passed = try CELExpression.truth(expression.evaluate(["self": value]))
            } catch CELExpression.Failure.unsupported {
                continue
            } catch {
                errors.append(.invalid(path, value: .string(value.typeName), detail: "failed rule: \(text): \(error)"))
                continue
            }
            if !passed {
                var field = path
                if let relative = rule["fieldPath"]?.stringValue, !relative.isEmpty { field += relative }
                let message = rule["message"]?.stringValue ?? "failed rule: \(text)"
                let reason = rule["reason"]?.stringValue ?? "FieldValueInvalid"
                errors.append(FieldError(field: field, reason: reason, message: "Invalid value: \"\(value.typeName)\": \(message)"))
            }
        }
        switch value {
        case .object(let members):
            if let properties = schema["properties"]?.objectValue {
                for (key, child) in members {
                    if let childSchema = properties[key] { walk(child, schema: childSchema, path: "\(path).\(key)", errors: &errors) }
                }
            } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                for (key, child) in members { walk(child, schema: additional, path: "\(path).\(key)", errors: &errors) }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { walk(item, schema: itemSchema, path: "\(path)[\(index)]", errors: &errors) }
            }
        default:
            break
        }
    }
}
