import Foundation

/// A small interpreter for the subset of CEL that CRD `x-kubernetes-validations` rules commonly
/// use: literals, `self`, field access, `has()`, `size()`, comparisons, `&&`/`||`/`!`, `in`,
/// `? :`, string methods (`lowerAscii`, `upperAscii`, `startsWith`, `endsWith`, `contains`,
/// `matches`) and the macros `all`, `exists`, `exists_one`, `filter`, `map` over lists and maps.
/// Anything else is an `unsupported` error, and the caller skips the rule.
indirect enum CELExpression: Sendable {
    case literal(JSONValue)
    case identifier(String, at: Int)
    case list([CELExpression], at: Int)
    case member(CELExpression, String, at: Int)
    case index(CELExpression, CELExpression, at: Int)
    case call(target: CELExpression?, name: String, arguments: [CELExpression], at: Int)
    case unary(String, CELExpression, at: Int)
    case binary(String, CELExpression, CELExpression, at: Int)
    case conditional(CELExpression, CELExpression, CELExpression, at: Int)

    enum Failure: Error, Sendable {
        /// A rule that does not parse; `at` is the character offset of the offending token.
        case syntax(String, at: Int = 0)
        case unsupported(String)
        case evaluation(String)
    }

    static func parse(_ text: String) throws -> CELExpression {
        var offsets: [Int] = []
        let tokens = try CELLexer.tokens(text, offsets: &offsets)
        var parser = CELParser(tokens: tokens, offsets: offsets)
        let expression = try parser.expression()
        guard parser.atEnd else { throw Failure.syntax("unexpected \(parser.peek?.description ?? "") in \(text)", at: parser.nextOffset) }
        return expression
    }

    var mentionsOldSelf: Bool {
        switch self {
        case .identifier(let name, _): return name == "oldSelf"
        case .literal: return false
        case .list(let items, _): return items.contains { $0.mentionsOldSelf }
        case .member(let base, _, _): return base.mentionsOldSelf
        case .index(let base, let key, _): return base.mentionsOldSelf || key.mentionsOldSelf
        case .call(let target, _, let arguments, _): return (target?.mentionsOldSelf ?? false) || arguments.contains { $0.mentionsOldSelf }
        case .unary(_, let operand, _): return operand.mentionsOldSelf
        case .binary(_, let lhs, let rhs, _): return lhs.mentionsOldSelf || rhs.mentionsOldSelf
        case .conditional(let a, let b, let c, _): return a.mentionsOldSelf || b.mentionsOldSelf || c.mentionsOldSelf
        }
    }

    // MARK: Evaluation

    func evaluate(_ scope: [String: JSONValue]) throws -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .identifier(let name, _):
            guard let value = scope[name] else { throw Failure.evaluation("undeclared reference to '\(name)'") }
            return value
        case .list(let items, _):
            return .array(try items.map { try $0.evaluate(scope) })
        case .member(let base, let field, _):
            let value = try base.evaluate(scope)
            guard let member = value[field] else { throw Failure.evaluation("no such key: \(field)") }
            return member
        case .index(let base, let key, _):
            let container = try base.evaluate(scope)
            let index = try key.evaluate(scope)
            if let items = container.arrayValue, let position = index.intValue, items.indices.contains(Int(position)) {
                return items[Int(position)]
            }
            if let name = index.stringValue, let member = container[name] { return member }
            throw Failure.evaluation("no such key: \(index.serializedString())")
        case .unary(let op, let operand, _):
            let value = try operand.evaluate(scope)
            if op == "!", let flag = value.boolValue { return .bool(!flag) }
            if op == "-", let number = value.intValue { return .int(-number) }
            throw Failure.evaluation("no such overload: \(op)\(value.typeName)")
        case .conditional(let condition, let then, let otherwise, _):
            return try Self.truth(condition.evaluate(scope)) ? then.evaluate(scope) : otherwise.evaluate(scope)
        case .binary(let op, let lhs, let rhs, _):
            return try Self.binary(op, lhs, rhs, scope)
        case .call(let target, let name, let arguments, _):
            return try CELFunctions.call(target: target, name: name, arguments: arguments, scope: scope)
        }
    }

    static func truth(_ value: JSONValue) throws -> Bool {
        guard let flag = value.boolValue else { throw Failure.evaluation("expected bool, got \(value.typeName)") }
        return flag
    }

    private static func binary(_ op: String, _ lhs: CELExpression, _ rhs: CELExpression, _ scope: [String: JSONValue]) throws -> JSONValue {
        switch op {
        case "&&":
            if try !truth(lhs.evaluate(scope)) { return false }
            return .bool(try truth(rhs.evaluate(scope)))
        case "||":
            if try truth(lhs.evaluate(scope)) { return true }
            return .bool(try truth(rhs.evaluate(scope)))
        default:
            break
        }
        let left = try lhs.evaluate(scope)
        let right = try rhs.evaluate(scope)
        switch op {
        case "==": return .bool(SchemaValidator.same(left, right))
        case "!=": return .bool(!SchemaValidator.same(left, right))
        case "in":
            if let items = right.arrayValue { return .bool(items.contains { SchemaValidator.same($0, left) }) }
            if let members = right.objectValue, let key = left.stringValue { return .bool(members[key] != nil) }
            throw Failure.evaluation("no such overload: in \(right.typeName)")
        case "+":
            if let a = left.intValue, let b = right.intValue { return .int(a + b) }
            if let a = left.stringValue, let b = right.stringValue { return .string(a + b) }
            if let a = left.arrayValue, let b = right.arrayValue { return .array(a + b) }
            throw Failure.evaluation("no such overload: \(left.typeName) + \(right.typeName)")
        case "-":
            if let a = left.intValue, let b = right.intValue { return .int(a - b) }
            throw Failure.evaluation("no such overload: \(left.typeName) - \(right.typeName)")
        case "<", "<=", ">", ">=":
            let ordering: Int
            if let a = left.doubleValue, let b = right.doubleValue {
                ordering = a < b ? -1 : (a > b ? 1 : 0)
            } else if let a = left.stringValue, let b = right.stringValue {
                ordering = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                throw Failure.evaluation("no such overload: \(left.typeName) \(op) \(right.typeName)")
            }
            switch op {
            case "<": return .bool(ordering < 0)
            case "<=": return .bool(ordering <= 0)
            case ">": return .bool(ordering > 0)
            default: return .bool(ordering >= 0)
            }
        default:
            throw Failure.unsupported("operator \(op)")
        }
    }
}
