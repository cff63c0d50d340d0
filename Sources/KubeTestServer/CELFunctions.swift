import Foundation

/// The CEL functions and macros `CELExpression` supports.
enum CELFunctions {
    typealias Failure = CELExpression.Failure

    static func call(target: CELExpression?, name: String, arguments: [CELExpression], scope: [String: JSONValue]) throws -> JSONValue {
        if target == nil && name == "has" {
            guard arguments.count == 1, case .member(let base, let field, _) = arguments[0] else {
                throw Failure.syntax("has() needs a field selection")
            }
            return .bool(try base.evaluate(scope)[field] != nil)
        }
        if let target, ["all", "exists", "exists_one", "filter", "map"].contains(name) {
            return try macro(name, target: target, arguments: arguments, scope: scope)
        }
        var values = try arguments.map { try $0.evaluate(scope) }
        if let target { values.insert(try target.evaluate(scope), at: 0) }
        switch (name, values.count) {
        case ("size", 1):
            switch values[0] {
            case .string(let text): return .int(Int64(text.count))
            case .array(let items): return .int(Int64(items.count))
            case .object(let members): return .int(Int64(members.count))
            default: throw Failure.evaluation("no such overload: size(\(values[0].typeName))")
            }
        case ("lowerAscii", 1):
            return .string(try string(values[0]).lowercased())
        case ("upperAscii", 1):
            return .string(try string(values[0]).uppercased())
        case ("startsWith", 2):
            return .bool(try string(values[0]).hasPrefix(string(values[1])))
        case ("endsWith", 2):
            return .bool(try string(values[0]).hasSuffix(string(values[1])))
        case ("contains", 2):
            return .bool(try string(values[0]).contains(string(values[1])))
        case ("matches", 2):
            guard let regex = try? Regex(try string(values[1])) else { throw Failure.unsupported("regex \(values[1])") }
            return .bool((try? regex.firstMatch(in: try string(values[0]))) != nil)
        case ("int", 1):
            if let number = values[0].intValue { return .int(number) }
            if let number = Int64(try string(values[0])) { return .int(number) }
            throw Failure.evaluation("cannot convert to int")
        case ("string", 1):
            return values[0].stringValue.map { .string($0) } ?? .string(values[0].serializedString())
        default:
            throw Failure.unsupported("function \(name)")
        }
    }

    private static func string(_ value: JSONValue) throws -> String {
        guard let text = value.stringValue else { throw Failure.evaluation("expected string, got \(value.typeName)") }
        return text
    }

    private static func macro(_ name: String, target: CELExpression, arguments: [CELExpression], scope: [String: JSONValue]) throws -> JSONValue {
        guard arguments.count == 2, case .identifier(let variable, _) = arguments[0] else {
            throw Failure.syntax("\(name)() needs a variable and an expression")
        }
        let collection = try target.evaluate(scope)
        let elements: [JSONValue]
        switch collection {
        case .array(let items): elements = items
        case .object(let members): elements = members.keys.sorted().map { .string($0) }
        default: throw Failure.evaluation("\(name)() on \(collection.typeName)")
        }
        var inner = scope
        var results: [JSONValue] = []
        var matches = 0
        for element in elements {
            inner[variable] = element
            let value = try arguments[1].evaluate(inner)
            switch name {
            case "map":
                results.append(value)
            case "filter":
                if try CELExpression.truth(value) { results.append(element) }
            default:
                if try CELExpression.truth(value) { matches += 1 }
                if name == "all" && matches == 0 { return false }
                if name == "all" { matches = 0 }
                if name == "exists" && matches > 0 { return true }
            }
        }
        switch name {
        case "all": return true
        case "exists": return false
        case "exists_one": return .bool(matches == 1)
        default: return .array(results)
        }
    }
}
